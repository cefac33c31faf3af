import pg from 'pg';
import { type Row, SESSION_SETTINGS, type SqlDatabase, type SqlExecutor, type Statement } from './sql.js';

/** A named Statement becomes a pg prepared statement (prepared once per pooled connection). */
function pgQuery(sql: string | Statement, values: unknown[]) {
  return typeof sql === 'string' ? { text: sql, values } : { name: sql.name, text: sql.text, values };
}

/** A real PostgreSQL server through a pg connection pool. */
export async function openPostgresDatabase(url: string, poolSize = 10): Promise<SqlDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // Awaited before the new connection serves any query. A failure (e.g. a pooler that refuses SET) costs
    // only speed: the statements then run on PostgreSQL's default plan choice.
    onConnect: (client) =>
      client.query(SESSION_SETTINGS).then(
        () => {},
        () => {},
      ),
  });
  // A pool emits 'error' when an idle client loses its connection (e.g. PostgreSQL restarts); without a
  // listener that would crash the process. The next query simply gets a fresh connection.
  pool.on('error', () => {});
  const client = await pool.connect();
  client.release();
  return {
    kind: 'postgres',
    async query<T extends Row>(sql: string | Statement, params: unknown[] = []) {
      return (await pool.query<T>(pgQuery(sql, params))).rows;
    },
    async transaction(fn) {
      const conn = await pool.connect();
      const tx: SqlExecutor = {
        async query<T extends Row>(sql: string | Statement, params: unknown[] = []) {
          return (await conn.query<T>(pgQuery(sql, params))).rows;
        },
      };
      try {
        await conn.query('begin');
        const result = await fn(tx);
        await conn.query('commit');
        return result;
      } catch (error) {
        await conn.query('rollback').catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async ping() {
      await pool.query('select 1');
      return true;
    },
    async close() {
      await pool.end();
    },
  };
}
