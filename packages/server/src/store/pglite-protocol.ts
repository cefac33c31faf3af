import type { Statement } from './sql.js';

/** Messages between the PGlite proxy (main thread) and the worker that owns PGlite (pglite-worker.ts). */

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string | Statement; params: unknown[]; txId?: number }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'begin'; txId: number }
  | { id: number; op: 'commit' | 'rollback'; txId: number }
  | { id: number; op: 'close' };

/** A database error as plain data: message plus PostgreSQL's fields (code, detail, constraint, …). */
export type WireError = { message: string; name: string; fields: Record<string, string | number | boolean> };

export type WorkerResponse =
  | { id: number; ok: true; rows?: unknown[] }
  | { id: number; ok: false; error: WireError }
  /** Sent once when PGlite is open (id 0), or with ok: false when opening failed. */
  | { id: 0; ready: true };

export type WorkerInit = { dataDir: string };

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error', fields: {} };
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'message' || key === 'stack') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = value;
  }
  return { message: error.message, name: error.name, fields };
}

/** Rebuilds the error on the calling side: same message and fields (so `isUniqueViolation` sees `code`). */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  Object.assign(error, wire.fields);
  if (wire.name && wire.name !== 'Error') Object.defineProperty(error, 'name', { value: wire.name, enumerable: false });
  return error;
}
