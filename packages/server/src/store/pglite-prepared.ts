import { type PGlite, parse, protocol } from '@electric-sql/pglite';
import type { Row } from './sql.js';

/**
 * Named prepared statements for PGlite, whose `query()` parses, describes and plans its SQL on every call
 * (PostgreSQL's unnamed statement). Here a hot statement is parsed and described once; each later call only
 * binds, executes and syncs, in ONE call into the WASM backend, and PostgreSQL's plan cache may reuse a
 * generic plan. Same locking as `query()`: the transaction mutex (nothing runs inside someone else's
 * transaction) and the query mutex. Same parsing of the results (PGlite's own `parseResults`).
 */
type Described = { paramTypes: number[] };

/** What PGlite has but does not declare on its public type. */
type PgliteInternals = {
  serializers: Record<number, (value: unknown) => string>;
  parsers: Parameters<typeof parse.parseResults>[1];
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
};

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function pglitePrepared(db: PGlite) {
  const internals = db as unknown as PGlite & PgliteInternals;
  const described = new Map<string, Described>();
  const run = (message: Uint8Array) => db.execProtocolStream(message, { syncToFs: false });

  /** Parse + describe (+ sync, so that a failed parse leaves no open error state). */
  async function prepare(name: string, text: string): Promise<Described> {
    const messages = await run(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
    );
    const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined;
    const result = { paramTypes: params?.dataTypeIDs ?? [] };
    described.set(name, result);
    return result;
  }

  return async function query<T extends Row>(name: string, text: string, params: unknown[]): Promise<T[]> {
    return internals._runExclusiveTransaction(() =>
      internals._runExclusiveQuery(async () => {
        const { paramTypes } = described.get(name) ?? (await prepare(name, text));
        const values = params.map((value, i) => {
          if (value === null || value === undefined) return null;
          const serializer = internals.serializers[paramTypes[i]!];
          return serializer ? serializer(value) : String(value);
        });
        // Sync is part of the same call: after an error the backend is back to idle before we throw.
        const messages = await run(
          concat([
            serialize.bind({ statement: name, values }),
            serialize.describe({ type: 'P' }),
            serialize.execute({}),
            serialize.sync(),
          ]),
        );
        await db.syncToFs();
        return (parse.parseResults(messages, internals.parsers)[0]?.rows ?? []) as T[];
      }),
    );
  };
}
