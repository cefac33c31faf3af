import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanFileName } from '../src/http/upload-receiver.js';
import { BLOB_MIGRATION_STATEMENTS, DatabaseBlobStore } from '../src/store/blob-store.js';
import { openPgliteDatabase } from '../src/store/pglite-database.js';
import type { SqlDatabase } from '../src/store/sql.js';
import { startUploadServer } from './helpers/upload-server.js';

const MAX_BYTES = 1024 * 1024;

let db: SqlDatabase;
let server: Awaited<ReturnType<typeof startUploadServer>>;

beforeAll(async () => {
  db = await openPgliteDatabase('memory://');
  for (const sql of BLOB_MIGRATION_STATEMENTS) await db.exec(sql);
  server = await startUploadServer(new DatabaseBlobStore(db), { maxBytes: MAX_BYTES });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

type Upload = {
  name: string;
  type: string;
  blob: { id: string; size: number; sha256: string };
  image: {
    width: number;
    height: number;
    thumbnail: { id: string; type: string; width: number; height: number };
  } | null;
};

/** A real multipart request, built by FormData; `declared` is the type the client claims. */
async function upload(bytes: Uint8Array, name: string, declared = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: declared }), name);
  const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as { upload: Upload; error: { code: string } } };
}

const readBlob = async (id: string) => Buffer.from(await (await fetch(`${server.url}/blobs/${id}`)).arrayBuffer());
const blobCount = async () => Number((await db.query<{ n: unknown }>('select count(*) as n from blobs'))[0]?.n);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A zip holding the given entries uncompressed: the container of office documents. */
function zip(entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(Buffer.byteLength(name), 26);
    parts.push(header, Buffer.from(name), data);
  }
  return Buffer.concat(parts);
}

/** An Office Open XML document of the given main part type, as far as type detection looks. */
const ooxml = (mainType: string) =>
  zip({
    '[Content_Types].xml': `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="${mainType}"/></Types>`,
    'word/document.xml': '<w:document/>',
  });

describe('receiveUpload over real HTTP', () => {
  it('re-encodes a PNG without its metadata or appended payload, with dimensions and a thumbnail', async () => {
    const original = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
      .png()
      .withExif({ IFD0: { Copyright: 'secret-owner', Artist: 'secret-artist' } })
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    // A polyglot: a valid PNG that also carries HTML after its end.
    const polyglot = Buffer.concat([original, Buffer.from('<html><script>alert(document.cookie)</script>')]);

    const { status, body } = await upload(polyglot, 'screenshot.png', 'image/png');
    expect(status).toBe(201);
    expect(body.upload).toMatchObject({
      name: 'screenshot.png',
      type: 'image/png',
      image: { width: 640, height: 480 },
    });

    const stored = await readBlob(body.upload.blob.id);
    expect(stored.length).toBe(body.upload.blob.size);
    expect(sha256(stored)).toBe(body.upload.blob.sha256);
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 640, height: 480 });
    expect(meta.exif).toBeUndefined();
    expect(stored.includes('secret-owner')).toBe(false);
    expect(stored.includes('<script>')).toBe(false);

    const thumbnail = body.upload.image!.thumbnail;
    expect(thumbnail).toMatchObject({ type: 'image/webp', width: 320, height: 240 });
    const thumbMeta = await sharp(await readBlob(thumbnail.id)).metadata();
    expect(thumbMeta).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('applies a JPEG photo’s orientation and drops its EXIF; a small image keeps its size as thumbnail', async () => {
    const photo = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'secret-camera' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await sharp(photo).metadata()).toMatchObject({ orientation: 6, exif: expect.anything() });
    const { status, body } = await upload(photo, 'photo.jpg');
    expect(status).toBe(201);
    // Orientation 6 is a quarter turn: the stored pixels are upright, so width and height swap.
    expect(body.upload).toMatchObject({ type: 'image/jpeg', image: { width: 100, height: 200 } });
    expect(body.upload.image!.thumbnail).toMatchObject({ width: 100, height: 200 });
    const stored = await readBlob(body.upload.blob.id);
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(stored.includes('secret-camera')).toBe(false);
  });

  it('stores a PDF, plain text and an office document byte for byte', async () => {
    const pdf = await upload(PDF, 'invoice.pdf');
    expect(pdf.status).toBe(201);
    expect(pdf.body.upload).toMatchObject({ name: 'invoice.pdf', type: 'application/pdf', image: null });
    expect((await readBlob(pdf.body.upload.blob.id)).equals(PDF)).toBe(true);

    const text = Buffer.from('Bonjour, voici le journal 🚀\n'.repeat(5000));
    const txt = await upload(text, 'log.txt', 'text/html');
    expect(txt.status).toBe(201);
    expect(txt.body.upload).toMatchObject({ type: 'text/plain', blob: { size: text.length, sha256: sha256(text) } });

    const docx = ooxml('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml');
    const doc = await upload(docx, 'letter.docx');
    expect(doc.status).toBe(201);
    expect(doc.body.upload.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('keeps an animated GIF animated, with a still thumbnail', async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#00ff00'), await frame('#0000ff')], {
      join: { animated: true },
    })
      .gif()
      .toBuffer();
    const { status, body } = await upload(gif, 'spinner.gif');
    expect(status).toBe(201);
    expect(body.upload).toMatchObject({ type: 'image/gif', image: { width: 40, height: 30 } });
    expect(await sharp(await readBlob(body.upload.blob.id)).metadata()).toMatchObject({ format: 'gif', pages: 3 });
    const thumb = await sharp(await readBlob(body.upload.image!.thumbnail.id)).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 40, height: 30 });
    expect(thumb.pages ?? 1).toBe(1);
  });

  it('refuses an image that does not decode (400) or decodes to too many pixels (413)', async () => {
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const broken = Buffer.from(png);
    randomBytes(broken.length - 100).copy(broken, 60);
    const bad = await upload(broken, 'broken.png');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });

    const small = await startUploadServer(new DatabaseBlobStore(db), { maxBytes: MAX_BYTES, maxPixels: 10_000 });
    try {
      const form = new FormData();
      form.append('file', new Blob([png]), 'wide.png');
      const res = await fetch(`${small.url}/api/uploads`, { method: 'POST', body: form });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    const before = await blobCount();
    const boundary = 'parley-abort-boundary';
    const controller = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n`,
          ),
        );
        stream.enqueue(PDF);
      },
      async pull(stream) {
        if (sent > 600_000) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return controller.abort();
        }
        sent += 65_536;
        stream.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    await expect(
      fetch(`${server.url}/api/uploads`, {
        method: 'POST',
        body,
        duplex: 'half',
        signal: controller.signal,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit),
    ).rejects.toThrow();
    await expect.poll(blobCount, { timeout: 5000 }).toBe(before);
  });

  it('refuses a file over the limit with 413 before the body is fully sent, keeping nothing', async () => {
    const before = await blobCount();
    const boundary = 'parley-test-boundary';
    const total = 64 * 1024 * 1024;
    let sent = 0;
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n`;
    const piece = new Uint8Array(64 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
      },
      pull(controller) {
        if (sent >= total) {
          controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
          return controller.close();
        }
        sent += piece.length;
        controller.enqueue(piece);
      },
    });
    const res = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    const sentWhenAnswered = sent;
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(sentWhenAnswered).toBeLessThan(total / 4);
    expect(await blobCount()).toBe(before);
  });

  it('refuses at once a body whose declared length cannot fit', async () => {
    const { status, body } = await upload(randomBytes(MAX_BYTES * 2), 'big.pdf');
    expect(status).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
  });

  it('refuses SVG or HTML named x.png, whatever type the client declares, with 415', async () => {
    const before = await blobCount();
    for (const markup of [
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>',
      '<?xml version="1.0"?><svg onload="alert(1)"/>',
      '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>',
      '  <html><img src=x onerror=alert(1)>',
      'looks like text at first\n<script>fetch("/steal")</script>',
    ]) {
      const { status, body } = await upload(Buffer.from(markup), 'x.png', 'image/png');
      expect({ markup, status, code: body.error?.code }).toEqual({ markup, status: 415, code: 'unsupported_type' });
    }
    expect(await blobCount()).toBe(before);
  });

  it('refuses an executable, binary without a known type, and text that turns binary later, with 415', async () => {
    const before = await blobCount();
    const exe = Buffer.alloc(4096);
    exe.write('MZ', 0);
    exe.writeUInt32LE(128, 0x3c);
    exe.write('PE\0\0', 128, 'latin1');
    for (const [bytes, name] of [
      [exe, 'setup.exe'],
      [exe, 'invoice.pdf'],
      [randomBytes(10_000), 'data.txt'],
      // valid text for the whole 64 KiB sample, then a NUL: caught while streaming, the partial blob removed
      [Buffer.concat([Buffer.alloc(200_000, 'a'), Buffer.from([0]), Buffer.alloc(10, 'b')]), 'notes.txt'],
      [zip({ 'evil.js': 'alert(1)' }), 'archive.docx'],
      [ooxml('application/vnd.ms-word.document.macroEnabled.main+xml'), 'macros.docx'],
    ] as const) {
      const { status, body } = await upload(bytes, name);
      expect({ name, status, code: body.error?.code }).toEqual({ name, status: 415, code: 'unsupported_type' });
    }
    expect(await blobCount()).toBe(before);
  });

  it('answers 400 invalid_payload without a `file` field or without multipart', async () => {
    const form = new FormData();
    form.append('note', 'no file here');
    const res = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_payload');

    const other = new FormData();
    other.append('attachment', new Blob([PDF]), 'a.pdf');
    const res2 = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: other });
    expect(res2.status).toBe(400);
    await res2.body?.cancel();

    const json = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: '{"file":"x"}' });
    expect(json.status).toBe(400);
    await json.body?.cancel();
  });

  it('keeps only a clean display name', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\shot\u0000.png')).toBe('shot.png');
    expect(cleanFileName('')).toBe('file');
    expect(cleanFileName(undefined)).toBe('file');
    expect(cleanFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
  });
});
