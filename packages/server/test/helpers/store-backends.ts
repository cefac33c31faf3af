import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../../src/store/migrations.js';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { openPostgresDatabase } from '../../src/store/postgres-database.js';
import type { SqlDatabase } from '../../src/store/sql.js';
import { createStore, type Store } from '../../src/store/store.js';
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

/**
 * A migrated store on `backend` for one suite, with one site (`siteId`); the fields are filled in by the
 * suite's beforeAll, read them inside tests.
 */
export function useMigratedStore(backend: StoreBackend) {
  const fixture = { store: undefined as unknown as Store, siteId: '' };
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrate(opened.db);
    fixture.store = createStore(opened.db);
    fixture.siteId = (await fixture.store.sites.create({ name: 'Test', allowedOrigins: [] })).id;
  }, 60_000);
  afterAll(async () => cleanup?.());
  return fixture;
}
