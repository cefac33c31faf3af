import { type PGlite, protocol } from '@electric-sql/pglite';
import { type BackendReply, bindExecuteSync, readBackendReply } from './pg-wire.js';
import type { Row } from './sql.js';

/**
 * Named prepared statements for PGlite, whose `query()` parses, describes and plans its SQL on every call
 * (PostgreSQL's unnamed statement) and decodes the reply with a general-purpose protocol parser. Here a
 * hot statement is parsed and described once; each later call only binds, executes and syncs, in ONE call
 * into the WASM backend, PostgreSQL's plan cache may reuse a generic plan, and the reply is read by the
 * small decoder in pg-wire.ts (rows with PGlite's own type parsers, errors as PGlite's DatabaseError).
 * Same locking as `query()`: the transaction mutex (nothing runs inside someone else's transaction) and
 * the query mutex — except when PGlite is idle (below).
 */
type Described = { paramTypes: number[]; fields: { name: string; typeId: number }[] };

/** What PGlite has but does not declare on its public type. */
type PgliteInternals = {
  serializers: Record<number, (value: unknown) => string>;
  parsers: Record<number, (value: string, typeId: number) => unknown>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
};
type Exclusive = '_runExclusiveTransaction' | '_runExclusiveQuery';

const { serialize } = protocol;
const SYNC = serialize.sync();

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
  for (const key of ['_runExclusiveTransaction', '_runExclusiveQuery'] as Exclusive[]) {
    const original = internals[key].bind(internals);
    internals[key] = <T>(fn: () => Promise<T>) => {
      holders++;
      const held = original(fn);
      held.then(release, release);
      return held;
    };
  }
  return { idle: () => holders === 0 };
}

export function pglitePrepared(db: PGlite) {
  const internals = db as unknown as PGlite & PgliteInternals;
  const described = new Map<string, Described>();
  const locks = lockWatch(internals);
  /**
   * One exchange with the backend. `execProtocolRawStream` with `syncToFs: false` does all its work
   * synchronously, before it returns its promise (awaited only to pass on a failure): nothing else
   * reaches the backend meanwhile. Not syncing to the file system is right for the server's data folders:
   * PGlite on Node writes a folder (NodeFS) or memory straight through, and their syncToFs does nothing.
   */
  const exchange = async (message: Uint8Array): Promise<BackendReply> => {
    // The streaming variant: PGlite hands over the raw reply without parsing it (its buffered variant
    // parses every reply too, into a list that only its own query() clears).
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

  const parse = (value: string, typeId: number) => {
    const parser = internals.parsers[typeId];
    return parser ? parser(value, typeId) : value;
  };

  /**
   * Bind + execute + sync of a described statement, in one exchange that starts synchronously: after an
   * error the backend is idle again before we throw.
   */
  async function execute<T extends Row>({ paramTypes, fields }: Described, name: string, params: unknown[]) {
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = internals.serializers[paramTypes[i]!];
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
    // locks would cost two promise chains per statement (allocation, later GC) for nothing.
    const ready = described.get(name);
    if (ready && locks.idle() && db.ready) return execute<T>(ready, name, params);
    return internals._runExclusiveTransaction(() =>
      internals._runExclusiveQuery(async () =>
        execute<T>(described.get(name) ?? (await prepare(name, text)), name, params),
      ),
    );
  };
}
