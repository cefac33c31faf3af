import type { CannedResponse } from '@parley/protocol';
import { newId } from './ids.js';
import { iso } from './rows.js';
import type { Row, SqlDatabase } from './sql.js';

function toCanned(row: Row): CannedResponse {
  return { id: String(row.id), shortcut: String(row.shortcut), text: String(row.text), createdAt: iso(row.created_at) };
}

/** Saved replies (`/shortcut` in the console). Shortcuts are unique, case-insensitively stored lower-case. */
export function cannedRepo(db: SqlDatabase) {
  return {
    async list(): Promise<CannedResponse[]> {
      return (await db.query('select * from canned_responses order by shortcut, id')).map(toCanned);
    },
    async byId(id: string): Promise<CannedResponse | null> {
      const rows = await db.query('select * from canned_responses where id = $1', [id]);
      return rows[0] ? toCanned(rows[0]) : null;
    },
    /** Throws a unique violation when the shortcut is taken. */
    async create(input: { shortcut: string; text: string }): Promise<CannedResponse> {
      const rows = await db.query(
        'insert into canned_responses (id, shortcut, text) values ($1, lower($2), $3) returning *',
        [newId(), input.shortcut, input.text],
      );
      return toCanned(rows[0]!);
    },
    async update(id: string, patch: { shortcut?: string | undefined; text?: string | undefined }) {
      const rows = await db.query(
        `update canned_responses set shortcut = coalesce(lower($2), shortcut), text = coalesce($3, text)
         where id = $1 returning *`,
        [id, patch.shortcut ?? null, patch.text ?? null],
      );
      return rows[0] ? toCanned(rows[0]) : null;
    },
    async remove(id: string): Promise<boolean> {
      return (await db.query('delete from canned_responses where id = $1 returning id', [id])).length > 0;
    },
  };
}
