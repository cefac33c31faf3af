import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Row, SqlDatabase, SqlExecutor } from './sql.js';

/** Opens PGlite in a data folder ('memory://' = in memory only). Shared by the in-thread store and the worker. */
export async function createPglite(dataDir: string): Promise<PGlite> {
  if (dataDir === 'memory://') return PGlite.create();
  mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir);
}

/**
 * PGlite on the calling thread (the default): every statement runs on the event loop.
 * One connection; PGlite serialises queries itself.
 */
export async function openPgliteInline(dataDir: string): Promise<SqlDatabase> {
  const db = await createPglite(dataDir);
  const wrap = (q: Pick<PGlite, 'query'>): SqlExecutor => ({
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      const result = await q.query<T>(sql, params);
      return result.rows;
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async exec(sql) {
      await db.exec(sql);
    },
    async ping() {
      await db.query('select 1');
      return true;
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
