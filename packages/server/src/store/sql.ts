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
export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === PG_UNIQUE_VIOLATION;
}
