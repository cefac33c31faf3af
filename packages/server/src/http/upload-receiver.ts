import type { IncomingMessage } from 'node:http';
import { basename } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import busboy from 'busboy';
import { refuse } from '../domain/errors.js';
import type { BlobStore, StoredBlob } from '../store/blob-store.js';
import { type ImageSize, type StoredImage, storeImage } from './upload-images.js';
import {
  DEFAULT_UPLOAD_TYPES,
  decideType,
  IMAGE_TYPES,
  PLAIN_TEXT,
  TYPE_SAMPLE_BYTES,
  Utf8TextGuard,
} from './upload-types.js';

export type UploadOptions = {
  /** Most bytes the file may have (PARLEY_UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** MIME types accepted (the site's setting); DEFAULT_UPLOAD_TYPES when absent. */
  allowedTypes?: ReadonlySet<string>;
  thumbnailPx?: number;
  maxPixels?: number;
};

/** A stored upload. `type` is decided from the bytes; `name` is the client's file name, for display only. */
export type ReceivedUpload = {
  name: string;
  type: string;
  blob: StoredBlob;
  /** Images only: their size and a thumbnail (THUMBNAIL_TYPE). */
  image: (ImageSize & { thumbnail: StoredImage['thumbnail'] }) | null;
};

/** Room for the multipart framing around the file (boundaries, part headers, a few small fields). */
const MULTIPART_OVERHEAD = 64 * 1024;
const NAME_MAX = 200;

/** Fails with `payload_too_large` once more than `max` bytes went through. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.seen += chunk.length;
    if (this.seen > this.max) done(refuse('payload_too_large', `${this.what} is larger than ${this.max} bytes`));
    else done(null, chunk);
  }
}

/**
 * A display name: no path, no control or format characters (a right-to-left override makes
 * "invoice\u202Efdp.exe" look like "invoiceexe.pdf"), bounded; never trusted for the type.
 */
export function cleanFileName(name: string | undefined): string {
  const cleaned = basename((name ?? '').replace(/\\/g, '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, NAME_MAX);
  return cleaned || 'file';
}

/**
 * Reads up to `size` bytes of a stream for type detection, and gives back the whole stream (the sample
 * first). file-type's own fileTypeStream samples only what is buffered at the first 'readable' event,
 * which may be one small network chunk: too little to tell a docx from any zip.
 */
async function peek(stream: Readable, size: number): Promise<{ sample: Buffer; whole: Readable }> {
  const parts: Buffer[] = [];
  let held = 0;
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (held < size) {
    const next = await iterator.next();
    if (next.done) break;
    parts.push(next.value);
    held += next.value.length;
  }
  const sample = Buffer.concat(parts, held);
  async function* whole() {
    yield sample;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { sample: sample.subarray(0, size), whole: Readable.from(whole(), { objectMode: false }) };
}

/** Detects, checks and stores one file stream (its size is the caller's to limit). */
export async function storeFile(file: Readable, options: UploadOptions, blobs: BlobStore) {
  const { sample, whole } = await peek(file, TYPE_SAMPLE_BYTES);
  const type = await decideType(sample, options.allowedTypes ?? DEFAULT_UPLOAD_TYPES);
  if (IMAGE_TYPES.has(type)) return storeImage(await buffer(whole), type, blobs, options);
  if (type !== PLAIN_TEXT) return { blob: await blobs.write(whole), type };
  const guard = new Utf8TextGuard();
  whole.on('error', (error) => guard.destroy(error));
  const blob = await blobs.write(whole.pipe(guard));
  return { blob, type };
}

/**
 * Receives `POST /api/uploads`: a multipart body whose field `file` holds one file. The file is streamed
 * through: its type is decided from its first bytes (upload-types.ts), images are re-encoded
 * (upload-images.ts), anything else goes to the blob store chunk by chunk as it arrives.
 *
 * Refusals: `payload_too_large` as soon as the file passes `maxBytes` (or the declared Content-Length
 * cannot fit), `unsupported_type` (415) for a type not allowed, `invalid_payload` for a body that is
 * not multipart, has no `file` or an undecodable image. On a refusal nothing is kept, and the rest of
 * the body is left unread (the request is paused): the caller answers, then drains or closes.
 */
export function receiveUpload(req: IncomingMessage, blobs: BlobStore, options: UploadOptions): Promise<ReceivedUpload> {
  const bodyMax = options.maxBytes + MULTIPART_OVERHEAD;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyMax)
    return Promise.reject(refuse('payload_too_large', `the request is larger than ${bodyMax} bytes`));
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // busboy truncates the file one byte past the limit; ByteLimit turns that byte into the refusal.
      limits: { files: 1, fileSize: options.maxBytes + 1, fields: 8, fieldSize: 1024, parts: 10, headerPairs: 20 },
    });
  } catch {
    return Promise.reject(refuse('invalid_payload', 'expected a multipart/form-data body'));
  }
  const bodyLimit = new ByteLimit(bodyMax, 'the request');

  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    let started = false;
    let closed = false;
    let upload: ReceivedUpload | null = null;
    // The file being stored; destroyed on a refusal so that a write in progress fails and keeps nothing.
    let inFlight: Readable | null = null;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      inFlight?.destroy(error instanceof Error ? error : undefined);
      req.unpipe(bodyLimit);
      bodyLimit.unpipe(parser);
      req.pause();
      reject(error);
    };
    // Done when the file is stored AND the body ended cleanly (a truncated body is refused).
    const finish = () => {
      if (settled || !closed || !upload) return;
      settled = true;
      resolve(upload);
    };

    parser.on('file', (field, file, info) => {
      if (field !== 'file' || started) {
        file.resume();
        if (field !== 'file') fail(refuse('invalid_payload', `unexpected file field "${field}"; send it as "file"`));
        return;
      }
      started = true;
      const limited = file.pipe(new ByteLimit(options.maxBytes, 'the file'));
      file.on('error', (error) => limited.destroy(error));
      inFlight = limited;
      const name = cleanFileName(info.filename);
      storeFile(limited, options, blobs).then((result) => {
        const stored: ReceivedUpload = {
          name,
          type: result.type,
          blob: result.blob,
          image: 'thumbnail' in result ? imageOf(result) : null,
        };
        // Refused meanwhile (e.g. a malformed end of the body): keep nothing.
        if (settled) return void blobs.deleteMany(blobIds(stored)).catch(() => {});
        upload = stored;
        finish();
      }, fail);
    });
    parser.on('close', () => {
      closed = true;
      if (!started) fail(refuse('invalid_payload', 'the multipart body has no "file" field'));
      else finish();
    });
    parser.on('error', () => fail(refuse('invalid_payload', 'malformed multipart body')));
    bodyLimit.on('error', fail);
    req.on('error', () => fail(refuse('invalid_payload', 'the upload was interrupted')));
    req.pipe(bodyLimit).pipe(parser);
  });
}

const imageOf = (image: StoredImage): ReceivedUpload['image'] => ({
  width: image.width,
  height: image.height,
  thumbnail: image.thumbnail,
});

/** Every blob an upload stored: what to delete when it is discarded. */
export const blobIds = (upload: ReceivedUpload): string[] =>
  upload.image ? [upload.blob.id, upload.image.thumbnail.id] : [upload.blob.id];
