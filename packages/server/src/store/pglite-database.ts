import { openPgliteInline } from './pglite-inline.js';
import { openPgliteInWorker } from './pglite-worker-client.js';
import type { SqlDatabase } from './sql.js';

export type PgliteOptions = {
  /** Run PGlite in its own worker thread instead of on the calling thread (PARLEY_PGLITE_WORKER=1). */
  worker?: boolean;
};

/**
 * Embedded PostgreSQL (WASM) in a data folder ('memory://' = in memory). By default PGlite runs on the
 * calling thread; `worker` moves it to its own worker thread (pglite-worker.ts) so that statements do not
 * block the event loop. Not the default: on the 2-core bench machine it was not faster (docs/performance.md,
 * "PGlite in a worker thread").
 */
export async function openPgliteDatabase(dataDir: string, options: PgliteOptions = {}): Promise<SqlDatabase> {
  return options.worker ? openPgliteInWorker(dataDir) : openPgliteInline(dataDir);
}
