import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Row, SqlDatabase, SqlExecutor } from './sql.js';

/** Embedded PostgreSQL (WASM) in a data folder. One connection; PGlite serialises queries itself. */
export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  let db: PGlite;
  if (dataDir === 'memory://') {
    db = await PGlite.create();
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = await PGlite.create(dataDir);
  }
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
