import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_CHUNK_BYTES, BLOB_MIGRATION_STATEMENTS, DatabaseBlobStore } from '../src/store/blob-store.js';
import type { SqlDatabase } from '../src/store/sql.js';
import { requirePostgres } from './helpers/postgres.js';
import { pgliteBackend, postgresBackend, type StoreBackend } from './helpers/store-backends.js';

const backends: StoreBackend[] = [pgliteBackend, postgresBackend(10)];

const hasPostgres = await requirePostgres();

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Yields `bytes` in uneven pieces, so that chunk boundaries never line up with the source's. */
async function* pieces(bytes: Buffer, size = 100_003) {
  for (let at = 0; at < bytes.length; at += size) {
    await new Promise((resolve) => setImmediate(resolve));
    yield bytes.subarray(at, at + size);
  }
}

for (const backend of backends) {
  describe.skipIf(backend.name === 'PostgreSQL' && !hasPostgres)(`blob store on ${backend.name}`, () => {
    let db: SqlDatabase;
    let blobs: DatabaseBlobStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const opened = await backend.open();
      db = opened.db;
      cleanup = opened.cleanup;
      for (const sql of BLOB_MIGRATION_STATEMENTS) await db.exec(sql);
      blobs = new DatabaseBlobStore(db);
    }, 60_000);
    afterAll(async () => cleanup?.());

    const chunkCount = async (id: string) =>
      Number(
        (await db.query<{ n: string | number }>('select count(*) as n from blob_chunks where blob_id = $1', [id]))[0]
          ?.n,
      );

    it('round-trips a multi-chunk file byte for byte, with its size and sha256', async () => {
      const bytes = randomBytes(BLOB_CHUNK_BYTES * 3 + 12_345);
      const stored = await blobs.write(pieces(bytes));
      expect(stored).toEqual({ id: expect.any(String), size: bytes.length, sha256: sha256(bytes) });
      expect(await chunkCount(stored.id)).toBe(4);

      const read = await blobs.read(stored.id);
      expect(read).toMatchObject({ id: stored.id, size: bytes.length, sha256: sha256(bytes) });
      const back = await buffer(read!.stream);
      expect(back.length).toBe(bytes.length);
      expect(back.equals(bytes)).toBe(true);
    });

    it('stores a Node Readable, an exact multiple of the chunk size and an empty file', async () => {
      const exact = randomBytes(BLOB_CHUNK_BYTES * 2);
      const a = await blobs.write(Readable.from([exact]));
      expect(await chunkCount(a.id)).toBe(2);
      expect((await buffer((await blobs.read(a.id))!.stream)).equals(exact)).toBe(true);

      const empty = await blobs.write(Readable.from([]));
      expect(empty).toMatchObject({ size: 0, sha256: sha256(new Uint8Array()) });
      expect((await buffer((await blobs.read(empty.id))!.stream)).length).toBe(0);
    });

    it('deletes one blob and its chunks; a missing id reads as null and deletes as false', async () => {
      const stored = await blobs.write(pieces(randomBytes(BLOB_CHUNK_BYTES + 1)));
      expect(await blobs.delete(stored.id)).toBe(true);
      expect(await blobs.read(stored.id)).toBeNull();
      expect(await chunkCount(stored.id)).toBe(0);
      expect(await blobs.delete(stored.id)).toBe(false);
      expect(await blobs.read('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await blobs.read("'; drop table blobs; --")).toBeNull();
    });

    it('deletes many by id, ignoring unknown ids', async () => {
      const a = await blobs.write(pieces(randomBytes(10)));
      const b = await blobs.write(pieces(randomBytes(BLOB_CHUNK_BYTES + 10)));
      const c = await blobs.write(pieces(randomBytes(10)));
      expect(await blobs.deleteMany([a.id, b.id, 'no-such-blob'])).toBe(2);
      expect(await blobs.read(a.id)).toBeNull();
      expect(await blobs.read(b.id)).toBeNull();
      expect(await blobs.read(c.id)).not.toBeNull();
      expect(await blobs.deleteMany([])).toBe(0);
    });

    it('writes 5 files at once, each intact', async () => {
      const files = Array.from({ length: 5 }, (_, i) => randomBytes(BLOB_CHUNK_BYTES * 2 + i * 7_919));
      const stored = await Promise.all(files.map((bytes, i) => blobs.write(pieces(bytes, 65_536 + i))));
      expect(new Set(stored.map((s) => s.id)).size).toBe(5);
      for (const [i, bytes] of files.entries()) {
        expect(stored[i]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
        const back = await buffer((await blobs.read(stored[i]!.id))!.stream);
        expect(back.equals(bytes)).toBe(true);
      }
    });

    it('keeps nothing of a write whose source fails', async () => {
      const before = Number((await db.query<{ n: string | number }>('select count(*) as n from blobs'))[0]?.n);
      async function* failing() {
        yield randomBytes(BLOB_CHUNK_BYTES + 5);
        throw new Error('client went away');
      }
      await expect(blobs.write(failing())).rejects.toThrow('client went away');
      const after = Number((await db.query<{ n: string | number }>('select count(*) as n from blobs'))[0]?.n);
      expect(after).toBe(before);
    });

    it('never shows a blob that is still being written, and sweeps abandoned ones', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      async function* slow() {
        yield randomBytes(BLOB_CHUNK_BYTES + 1);
        await gate;
        yield randomBytes(3);
      }
      const writing = blobs.write(slow());
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [pending] = await db.query<{ id: string }>('select id from blobs where not complete');
      expect(pending).toBeDefined();
      expect(await blobs.read(pending!.id)).toBeNull();
      expect(await blobs.deleteIncompleteBefore(new Date(Date.now() - 60_000))).toBe(0);
      release();
      const done = await writing;
      expect(done.size).toBe(BLOB_CHUNK_BYTES + 4);
      expect(await blobs.read(done.id)).not.toBeNull();

      await db.query("insert into blobs (id, created_at) values ($1, now() - interval '2 hours')", ['abandoned']);
      expect(await blobs.deleteIncompleteBefore(new Date(Date.now() - 3_600_000))).toBe(1);
      expect(await blobs.read(done.id)).not.toBeNull();
    });
  });
}
