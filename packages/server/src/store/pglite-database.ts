import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPreparedQuery } from './pglite-prepared.js';
import { type Row, SESSION_SETTINGS, type SqlDatabase, type SqlExecutor, type Statement, sqlText } from './sql.js';

/**
 * PGlite's own settings, on top of the SESSION_SETTINGS every store uses.
 * - `wal_init_zero = off`: a new WAL segment is not filled with zeros first. PostgreSQL writes 16 MB to
 *   create one, synchronously on the event loop in PGlite. PGlite already runs with fsync off, so the
 *   zeros bought no durability; without them a full disk shows up at the WAL write instead of at creation.
 * - `random_page_cost = 1` (= seq_page_cost): one process reads its data folder through the OS page cache,
 *   so a page fetched by index costs what a page read in sequence does. PGlite has no autovacuum, so a
 *   cached plan is never re-planned as tables grow; at the default of 4, the batched append planned on a
 *   few hundred conversations locked them with a scan of the whole table forever after, and the clientId
 *   lookup went through a bitmap scan that asks the file system for the table's size on every append.
 */
const PGLITE_SETTINGS = 'set wal_init_zero = off; set random_page_cost = 1';

/** Opens PGlite in a data folder ('memory://' = in memory only), with the session settings applied. */
export async function openPglite(dataDir: string): Promise<PGlite> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const db = await (dataDir === 'memory://' ? PGlite.create() : PGlite.create(dataDir));
  await db.exec(`${SESSION_SETTINGS}; ${PGLITE_SETTINGS}`);
  return db;
}

/**
 * Embedded PostgreSQL (WASM) in a data folder ('memory://' = in memory), on the calling thread: every
 * statement runs on the event loop.
 */
export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  return createPgliteDatabase(await openPglite(dataDir));
}

/**
 * The SqlDatabase over an open PGlite instance. One connection; PGlite serialises queries itself. A named
 * Statement goes through a prepared statement (pglite-prepared.ts) when this PGlite supports it, plain
 * SQL (and every statement otherwise) through PGlite's own `query()`.
 */
export async function createPgliteDatabase(db: PGlite): Promise<SqlDatabase> {
  const prepared = await createPreparedQuery(db);
  const inTransaction = (tx: Pick<PGlite, 'query'>): SqlExecutor => ({
    async query<T extends Row>(sql: string | Statement, params: unknown[] = []) {
      return (await tx.query<T>(sqlText(sql), params)).rows;
    },
  });
  return {
    kind: 'pglite',
    async query<T extends Row>(sql: string | Statement, params: unknown[] = []) {
      if (typeof sql === 'string' || !prepared) return (await db.query<T>(sqlText(sql), params)).rows;
      return prepared<T>(sql.name, sql.text, params);
    },
    transaction: (fn) => db.transaction((tx) => fn(inTransaction(tx))),
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
