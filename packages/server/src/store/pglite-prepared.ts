import { type PGlite, protocol } from '@electric-sql/pglite';
import type { Row } from './sql.js';

/**
 * Named prepared statements for PGlite: the one place where the store goes below PGlite's public API.
 *
 * Why: PGlite's `query()` parses, describes and plans its SQL on every call (PostgreSQL's unnamed
 * statement) and decodes the reply with a general-purpose parser. Here a hot statement (a `Statement` of
 * sql.ts) is parsed and described once; each later call only binds, executes and syncs, in ONE call into
 * the WASM backend, PostgreSQL reuses its cached plan, and the reply is read by the small decoder below.
 * On the message-append path this is several times cheaper per statement (bench/store-appends.mts
 * compares it with plain `query()`: `--unnamed`).
 *
 * What it relies on beyond PGlite's declared API: the two lock methods `_runExclusiveTransaction` and
 * `_runExclusiveQuery` (so that a statement never runs inside someone else's transaction, exactly as
 * `query()` waits for them). package.json pins @electric-sql/pglite to an exact version for this reason.
 * Upgrading PGlite: run test/pglite-prepared.test.ts (byte fixtures of the encoder and decoder) and the
 * store suites. Should the methods be missing or answer differently, createPreparedQuery returns null
 * and the store runs every statement through `query()` instead: slower, never wrong.
 */
export type PreparedQuery = <T extends Row>(name: string, text: string, params: unknown[]) => Promise<T[]>;

type Described = { paramTypes: number[]; fields: { name: string; typeId: number }[] };

/** What PGlite has but does not declare on its public type. */
type PgliteInternals = {
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
};
type Exclusive = keyof PgliteInternals;
const EXCLUSIVE: Exclusive[] = ['_runExclusiveTransaction', '_runExclusiveQuery'];

/** A statement whose answer proves the whole path: prepare, bind with a null, execute, decode, parse. */
const SELF_CHECK = {
  name: 'parley_prepared_check',
  text: 'select $1::int4 as n, $2::text as t, $3::text[] as a',
  params: [7, null, ['x', 'y']],
  expected: JSON.stringify([{ n: 7, t: null, a: ['x', 'y'] }]),
};

/**
 * Prepared statements on this PGlite instance, or null when its internals are not what this module was
 * written against (then use `query()`). Checks the methods' presence, then runs one statement through
 * the whole path and compares the answer.
 */
export async function createPreparedQuery(db: PGlite): Promise<PreparedQuery | null> {
  const internals = db as unknown as PGlite & PgliteInternals;
  if (EXCLUSIVE.some((key) => typeof internals[key] !== 'function')) return null;
  if (typeof db.execProtocolRawStream !== 'function') return null;
  const locks = lockWatch(internals);
  const query = preparedQuery(db, internals, locks);
  let answer: string;
  try {
    answer = JSON.stringify(await query(SELF_CHECK.name, SELF_CHECK.text, SELF_CHECK.params));
  } catch {
    answer = '';
  }
  if (answer === SELF_CHECK.expected) return query;
  locks.unwatch();
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Counts PGlite's operations that hold or wait for one of its locks: query, exec, transaction, describe
 * and our own locked path all go through these two methods, so wrapping them on the instance sees them
 * all. Zero = no statement or transaction is under way or queued. (close() takes the locks directly;
 * `db.ready` turns false as it starts.)
 */
function lockWatch(internals: PgliteInternals) {
  let holders = 0;
  const release = () => {
    holders--;
  };
  const before = EXCLUSIVE.map((key) => Object.getOwnPropertyDescriptor(internals, key));
  for (const key of EXCLUSIVE) {
    const original = internals[key].bind(internals);
    internals[key] = <T>(fn: () => Promise<T>) => {
      holders++;
      const held = original(fn);
      held.then(release, release);
      return held;
    };
  }
  return {
    idle: () => holders === 0,
    /** Back to PGlite's own methods, as they were. */
    unwatch() {
      EXCLUSIVE.forEach((key, i) => {
        const own = before[i];
        if (own) Object.defineProperty(internals, key, own);
        else delete (internals as Partial<PgliteInternals>)[key];
      });
    },
  };
}

function preparedQuery(db: PGlite, internals: PgliteInternals, locks: { idle(): boolean }): PreparedQuery {
  const described = new Map<string, Described>();
  const { serialize } = protocol;
  const SYNC = serialize.sync();
  /**
   * One exchange with the backend. `execProtocolRawStream` with `syncToFs: false` does all its work
   * synchronously, before it returns its promise (awaited only to pass on a failure): nothing else
   * reaches the backend meanwhile. Not syncing to the file system is right for the server's data folders:
   * PGlite on Node writes a folder (NodeFS) or memory straight through, and their syncToFs does nothing.
   * The streaming variant hands over the raw reply without parsing it (the buffered one parses every
   * reply too, into a list that only PGlite's own query() clears).
   */
  const exchange = async (message: Uint8Array): Promise<BackendReply> => {
    const chunks: Uint8Array[] = [];
    await db.execProtocolRawStream(message, {
      syncToFs: false,
      onRawData: (chunk) => chunks.push(chunk.slice()), // a view into WASM memory: copy it
    });
    const reply = readBackendReply(chunks.length === 1 ? chunks[0]! : concat(chunks));
    if (reply.error) throw reply.error;
    return reply;
  };

  /** Parse + describe (+ sync, so that a failed parse leaves no open error state). */
  async function prepare(name: string, text: string): Promise<Described> {
    const reply = await exchange(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), SYNC]),
    );
    const result = { paramTypes: reply.paramTypes, fields: reply.fields };
    described.set(name, result);
    return result;
  }

  /** Values in and out with PGlite's own type serializers and parsers (Date, arrays, JSON …). */
  const parse = (value: string, typeId: number) => {
    const parser = db.parsers[typeId];
    return parser ? parser(value, typeId) : value;
  };

  /**
   * Bind + execute + sync of a described statement, in one exchange that starts synchronously: after an
   * error the backend is idle again before we throw.
   */
  async function execute<T extends Row>({ paramTypes, fields }: Described, name: string, params: unknown[]) {
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[paramTypes[i]!];
      return serializer ? serializer(value) : String(value);
    });
    const reply = await exchange(bindExecuteSync(name, values));
    return reply.rows.map((cells) => {
      const row: Row = {};
      for (let i = 0; i < fields.length; i++) {
        const cell = cells[i];
        row[fields[i]!.name] = cell === null || cell === undefined ? null : parse(cell, fields[i]!.typeId);
      }
      return row as T;
    });
  }

  return function query<T extends Row>(name: string, text: string, params: unknown[]): Promise<T[]> {
    // PGlite idle and the statement described (the common case): run at once. No lock is needed — the
    // exchange starts synchronously, here, while nobody holds or awaits the backend — and PGlite's two
    // locks would cost two promise chains per statement for nothing.
    const ready = described.get(name);
    if (ready && locks.idle() && db.ready) return execute<T>(ready, name, params);
    return internals._runExclusiveTransaction(() =>
      internals._runExclusiveQuery(async () =>
        execute<T>(described.get(name) ?? (await prepare(name, text)), name, params),
      ),
    );
  };
}

// --- The wire codec: the two messages this module writes and reads itself. -------------------------

export type BackendReply = {
  paramTypes: number[];
  fields: { name: string; typeId: number }[];
  rows: (string | null)[][];
  error: Error | null;
};

const { DatabaseError } = protocol.messages;

/** ErrorResponse field codes → the property names PGlite's (and pg's) DatabaseError uses. */
const ERROR_FIELDS: Record<string, string> = {
  S: 'severity',
  C: 'code',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

/**
 * Reads the backend's reply to an extended-protocol exchange (parse/describe or bind/execute, each ended
 * by sync): parameter types, row description, data rows (text format) and the first error; everything
 * else (ParseComplete, BindComplete, CommandComplete, notices, ReadyForQuery) is skipped.
 */
export function readBackendReply(bytes: Uint8Array): BackendReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A Buffer over the same bytes decodes a range in place (a TextDecoder needs a subarray per field).
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reply: BackendReply = { paramTypes: [], fields: [], rows: [], error: null };
  const cstring = (at: number): [string, number] => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return [text.toString('utf8', at, end), end + 1];
  };
  let at = 0;
  while (at + 5 <= bytes.length) {
    const type = bytes[at]!;
    const length = view.getInt32(at + 1);
    const body = at + 5;
    const next = at + 1 + length;
    switch (type) {
      case 0x44: {
        // 'D' DataRow
        const count = view.getInt16(body);
        const row: (string | null)[] = new Array(count);
        let p = body + 2;
        for (let i = 0; i < count; i++) {
          const size = view.getInt32(p);
          p += 4;
          if (size < 0) row[i] = null;
          else {
            row[i] = text.toString('utf8', p, p + size);
            p += size;
          }
        }
        reply.rows.push(row);
        break;
      }
      case 0x54: {
        // 'T' RowDescription
        const count = view.getInt16(body);
        let p = body + 2;
        for (let i = 0; i < count; i++) {
          const [name, after] = cstring(p);
          reply.fields.push({ name, typeId: view.getInt32(after + 6) });
          p = after + 18;
        }
        break;
      }
      case 0x74: {
        // 't' ParameterDescription
        const count = view.getInt16(body);
        for (let i = 0; i < count; i++) reply.paramTypes.push(view.getInt32(body + 2 + i * 4));
        break;
      }
      case 0x45: {
        // 'E' ErrorResponse: keep the first (the one that aborted the exchange)
        if (reply.error) break;
        const values: Record<string, string> = {};
        let p = body;
        while (p < next && bytes[p] !== 0) {
          const code = String.fromCharCode(bytes[p]!);
          const [value, after] = cstring(p + 1);
          values[code] = value;
          p = after;
        }
        const error = new DatabaseError(values.M ?? 'database error', length, 'error');
        for (const [code, property] of Object.entries(ERROR_FIELDS))
          (error as unknown as Record<string, unknown>)[property] = values[code];
        reply.error = error;
        break;
      }
    }
    at = next;
  }
  return reply;
}

/** Execute (unnamed portal, all rows) and Sync, as the frontend sends them after a Bind: built once. */
const EXECUTE_SYNC = Buffer.concat([protocol.serialize.execute({}), protocol.serialize.sync()]);
/** Reused for every request: the backend reads a request before the call that sends it returns. */
let scratch = Buffer.allocUnsafeSlow(4096);

/**
 * Bind (a named statement, text-format parameters and results) + Execute + Sync as ONE request, written
 * into a buffer that is reused: the result is valid until the next call, so send it before encoding
 * another.
 */
export function bindExecuteSync(statement: string, values: (string | null)[]): Uint8Array {
  const nameBytes = Buffer.byteLength(statement);
  // Bind: type, length, portal "" (1), statement + NUL, 0 parameter formats (2), count (2),
  // each value's length (4) and bytes, 0 result formats (2).
  let bindLength = 4 + 1 + nameBytes + 1 + 2 + 2 + 2;
  for (const value of values) bindLength += 4 + (value === null ? 0 : Buffer.byteLength(value));
  const size = 1 + bindLength + EXECUTE_SYNC.length;
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
  const out = scratch;
  out[0] = 0x42; // 'B'
  out.writeInt32BE(bindLength, 1);
  out[5] = 0; // unnamed portal
  let at = 6 + out.write(statement, 6, 'utf8');
  out[at++] = 0;
  out.writeInt16BE(0, at); // every parameter in text format
  out.writeInt16BE(values.length, at + 2);
  at += 4;
  for (const value of values) {
    if (value === null) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const written = out.write(value, at + 4, 'utf8');
    out.writeInt32BE(written, at);
    at += 4 + written;
  }
  out.writeInt16BE(0, at); // every result column in text format
  at += 2;
  out.set(EXECUTE_SYNC, at);
  return out.subarray(0, size);
}
