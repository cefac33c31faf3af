/** The one SQL surface both backends implement: PGlite (embedded) and PostgreSQL (pg). Same SQL text for both. */
export type Row = Record<string, unknown>;

/**
 * A hot statement: prepared once per connection under its name, afterwards only bound and executed (no
 * parse, no re-plan). Give every distinct text its own name. Inside a transaction it runs as plain text.
 */
export type Statement = { readonly name: string; readonly text: string };

export function statement(name: string, text: string): Statement {
  return { name, text };
}

/**
 * Run on every session (PGlite's one, each pooled PostgreSQL connection) before anything else.
 *
 * `plan_cache_mode = force_generic_plan`: a prepared Statement is planned once and that plan is reused.
 * Left to itself ("auto"), PostgreSQL keeps re-planning a statement whose generic plan it estimates
 * dearer than a custom one, and the batched append (unnest of array parameters, estimated at 100 rows
 * each) is such a statement: re-planned on every batch, its planning cost more than its execution, and a
 * batch of two more than two single appends. Our statements are all key lookups and small writes whose
 * best plan does not depend on the parameters' values; migration 4 keeps the append's plan index-driven
 * whatever the table sizes were when it was planned.
 */
export const SESSION_SETTINGS = 'set plan_cache_mode = force_generic_plan';

export const sqlText = (sql: string | Statement): string => (typeof sql === 'string' ? sql : sql.text);

export interface SqlExecutor {
  query<T extends Row = Row>(sql: string | Statement, params?: unknown[]): Promise<T[]>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; commits when fn resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** PostgreSQL error codes we act on. */
