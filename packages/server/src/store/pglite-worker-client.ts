import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromWireError, type WorkerInit, type WorkerRequest, type WorkerResponse } from './pglite-protocol.js';
import type { Row, SqlDatabase, SqlExecutor, Statement } from './sql.js';

/**
 * The worker's entry: `pglite-worker.js` next to this code in the build (dist/, see build.mjs). When the
 * server runs from its TypeScript source (vitest, tsx), pglite-worker.ts through tsx's `tsImport` (on
 * Node 20 `--import tsx` in a worker's execArgv does not reach the worker's module loader).
 */
function workerEntry(): URL {
  const built = new URL('./pglite-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  const source = new URL('./pglite-worker.ts', import.meta.url).href;
  // `tsx/esm/api`'s ESM build (require.resolve would pick its CJS build, which cannot load it in a worker).
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = new URL('dist/esm/api/index.mjs', tsxPackage).href;
  const bootstrap = `const { tsImport } = await import(${JSON.stringify(tsx)});
await tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** The worker behind a database opened here (tests use it to simulate a crash). */
const workers = new WeakMap<SqlDatabase, Worker>();
export function pgliteWorkerOf(db: SqlDatabase): Worker | undefined {
  return workers.get(db);
}

type Pending = { resolve(rows: unknown[] | undefined): void; reject(error: Error): void };
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * PGlite in a worker thread: the main thread only posts SQL and receives rows, so its event loop (socket
 * I/O) never waits behind PostgreSQL's WASM execution, which runs on another core. Same `SqlDatabase`
 * contract as in-thread PGlite: rows as PGlite returns them (Date, arrays, JSON survive structured
 * clone), errors with their PostgreSQL fields (`code` …), one interactive transaction at a time with
 * other queries waiting for it (PGlite's mutex, in the worker). A worker that dies fails every pending
 * and later call instead of leaving it hanging.
 */
export async function openPgliteInWorker(dataDir: string): Promise<SqlDatabase> {
  const worker = new Worker(workerEntry(), { workerData: { dataDir } satisfies WorkerInit });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let nextTx = 1;
  /** Set once the worker is gone (crashed, exited or closed): every call fails with it. */
  let gone: Error | null = null;
  let closing: Promise<void> | null = null;

  let readyResolve!: () => void;
  let readyReject!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });

  // The worker keeps the process alive only while it has work (like PGlite in-thread, which holds no handle).
  const settle = (id: number) => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0 && gone === null) worker.unref();
    return p;
  };
  const die = (reason: Error) => {
    if (gone) return;
    gone = reason;
    readyReject(reason);
    for (const p of pending.values()) p.reject(new Error(reason.message, { cause: reason }));
    pending.clear();
  };

  worker.on('message', (message: WorkerResponse) => {
    if ('ready' in message) {
      readyResolve();
      if (pending.size === 0) worker.unref();
      return;
    }
    if (message.id === 0 && !message.ok) {
      const error = fromWireError(message.error);
      die(error);
      return;
    }
    const p = settle(message.id);
    if (!p) return;
    if (message.ok) p.resolve(message.rows);
    else p.reject(fromWireError(message.error));
  });
  worker.on('error', (error) => die(new Error(`PGlite worker failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => die(new Error(`PGlite worker exited (code ${code})`)));

  const call = (request: Request): Promise<unknown[] | undefined> => {
    if (gone) return Promise.reject(new Error(gone.message, { cause: gone }));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      try {
        worker.postMessage({ ...request, id });
      } catch (error) {
        settle(id);
        reject(error as Error);
      }
    });
  };

  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const executor = (txId?: number): SqlExecutor => ({
    async query<T extends Row>(sql: string | Statement, params: unknown[] = []) {
      return (await call({ op: 'query', sql, params, ...(txId === undefined ? {} : { txId }) })) as T[];
    },
  });
  const base = executor();
  const db: SqlDatabase = {
    kind: 'pglite',
    query: base.query,
    async transaction(fn) {
      const txId = nextTx++;
      await call({ op: 'begin', txId });
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(executor(txId));
      } catch (error) {
        await call({ op: 'rollback', txId }).catch(() => {});
        throw error;
      }
      await call({ op: 'commit', txId });
      return result;
    },
    async exec(sql) {
      await call({ op: 'exec', sql });
    },
    async ping() {
      await call({ op: 'query', sql: 'select 1', params: [] });
      return true;
    },
    close() {
      closing ??= (async () => {
        if (!gone) await call({ op: 'close' }).catch(() => {});
        die(new Error('PGlite database is closed'));
        await worker.terminate();
      })();
      return closing;
    },
  };
  workers.set(db, worker);
  return db;
}
