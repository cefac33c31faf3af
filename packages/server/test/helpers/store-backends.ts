import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { openPostgresDatabase } from '../../src/store/postgres-database.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import { createTestDatabase } from './postgres.js';

/** A database a store suite runs on: opened fresh per suite, cleaned up afterwards. */
export type StoreBackend = { name: string; open(): Promise<{ db: SqlDatabase; cleanup(): Promise<void> }> };

/** The embedded store, in memory. */
export const pgliteBackend: StoreBackend = {
  name: 'PGlite',
  async open() {
    const db = await openPgliteDatabase('memory://');
    return { db, cleanup: () => db.close() };
  },
};

/** A real PostgreSQL: a database of its own, dropped afterwards. */
export const postgresBackend = (poolSize: number): StoreBackend => ({
  name: 'PostgreSQL',
  async open() {
    const database = await createTestDatabase();
    const db = await openPostgresDatabase(database.url, poolSize);
    return {
      db,
      async cleanup() {
        await db.close();
        await database.drop();
      },
    };
  },
});
