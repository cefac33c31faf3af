import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { newId } from './ids.js';
import type { SqlDatabase } from './sql.js';

/** Bytes to store: a Node stream or any async iterable of byte chunks. */
export type BlobSource = Readable | AsyncIterable<Uint8Array>;

/** A stored blob: its id, its length in bytes and the hex SHA-256 of its bytes. */
export type StoredBlob = { id: string; size: number; sha256: string };

/** A stored blob being read back: its description and its bytes as a stream. */
export type BlobReader = StoredBlob & { stream: Readable };

/**
 * Where attachment bytes live, readable by every server process. Implementations stream both ways: no
 * method holds a whole blob in memory.
 */
export interface BlobStore {
  /** Stores the bytes of `source` under a new id; when the source fails, rejects and keeps nothing. */
  write(source: BlobSource): Promise<StoredBlob>;
  /** The bytes of a completely written blob, or null when there is no such blob. */
  read(id: string): Promise<BlobReader | null>;
  /** Deletes a blob; true when it existed. */
  delete(id: string): Promise<boolean>;
  /** Deletes the blobs with these ids (unknown ids are ignored); resolves to how many existed. */
  deleteMany(ids: readonly string[]): Promise<number>;
}

/** Bytes per stored chunk: one row, one round trip; also the most a write or read holds in memory. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

/**
 * The tables of DatabaseBlobStore, to be appended to MIGRATIONS as one version. A blob row is written
 * first (`complete = false`), its chunks after it, and it is marked complete with its size and hash last:
 * readers only ever see complete blobs, and what a crashed process left half-written is found by
 * `blobs_incomplete` (deleteIncompleteBefore).
 */
export const BLOB_MIGRATION_STATEMENTS: string[] = [
  `create table blobs (
  id text primary key,
  size bigint not null default 0,
  sha256 text,
  complete boolean not null default false,
  created_at timestamptz not null default now()
)`,
  `create table blob_chunks (
  blob_id text not null references blobs(id) on delete cascade,
  seq integer not null,
  data bytea not null,
  primary key (blob_id, seq)
)`,
  'create index blobs_incomplete on blobs(created_at) where not complete',
];

/** PGlite answers bytea as Uint8Array, pg as Buffer: one Buffer view over either, without a copy. */
const asBuffer = (data: unknown): Buffer => {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('a blob chunk is not bytea');
};

/**
 * Cuts a byte stream into chunks of exactly `size` bytes (the last one shorter). Holds at most one chunk:
 * the next piece of the source is pulled only when the previous chunk was consumed.
 */
export async function* rechunk(source: BlobSource, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source as AsyncIterable<Uint8Array | string>) {
    let bytes = typeof piece === 'string' ? Buffer.from(piece) : asBuffer(piece);
    while (held + bytes.length >= size) {
      const take = size - held;
      parts.push(bytes.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      bytes = bytes.subarray(take);
    }
    if (bytes.length > 0) {
      parts.push(bytes);
      held += bytes.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

/**
 * Blobs in the database, in chunks of BLOB_CHUNK_BYTES (bytea rows): every process sharing the database
 * reads them, on PGlite and PostgreSQL alike (same SQL). A write is not one transaction on purpose: an
 * upload arrives at the client's pace, and a transaction held that long would stall PGlite's only
 * connection and pin a pooled PostgreSQL one. Completion is instead marked by the blob row's last update.
 */
export class DatabaseBlobStore implements BlobStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {}

  async write(source: BlobSource): Promise<StoredBlob> {
    const id = newId();
    await this.db.query('insert into blobs (id) values ($1)', [id]);
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    try {
      for await (const chunk of rechunk(source, this.chunkBytes)) {
        hash.update(chunk);
        size += chunk.length;
        // Base64 text decoded by the database: PGlite encodes a bytea parameter as hex in JavaScript, several
        // times slower than this, and PostgreSQL takes both alike.
        await this.db.query("insert into blob_chunks (blob_id, seq, data) values ($1, $2, decode($3, 'base64'))", [
          id,
          seq++,
          chunk.toString('base64'),
        ]);
      }
      const sha256 = hash.digest('hex');
      await this.db.query('update blobs set size = $2, sha256 = $3, complete = true where id = $1', [id, size, sha256]);
      return { id, size, sha256 };
    } catch (error) {
      await this.delete(id).catch(() => {});
      throw error;
    }
  }

  async read(id: string): Promise<BlobReader | null> {
    const [row] = await this.db.query<{ size: string | number; sha256: string }>(
      'select size, sha256 from blobs where id = $1 and complete',
      [id],
    );
    if (!row) return null;
    const size = Number(row.size);
    const count = Math.ceil(size / this.chunkBytes);
    const db = this.db;
    // One chunk per pull: a slow reader holds one chunk in memory, never the blob.
    async function* chunks() {
      for (let seq = 0; seq < count; seq++) {
        // As base64 text for the same reason as in write().
        const [chunk] = await db.query<{ data: string }>(
          "select encode(data, 'base64') as data from blob_chunks where blob_id = $1 and seq = $2",
          [id, seq],
        );
        if (!chunk) throw new Error(`blob ${id} lost chunk ${seq} while being read`);
        yield Buffer.from(chunk.data, 'base64');
      }
    }
    return { id, size, sha256: row.sha256, stream: Readable.from(chunks(), { objectMode: false }) };
  }

  async delete(id: string): Promise<boolean> {
    return (await this.deleteMany([id])) === 1;
  }

  async deleteMany(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.db.query('delete from blobs where id = any($1::text[]) returning id', [[...ids]]);
    return rows.length;
  }

  /** Deletes blobs left half-written (their writer crashed) that were started before `before`. */
  async deleteIncompleteBefore(before: Date): Promise<number> {
    const rows = await this.db.query('delete from blobs where not complete and created_at < $1 returning id', [
      before.toISOString(),
    ]);
    return rows.length;
  }
}
