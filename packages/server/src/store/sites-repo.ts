import type { BusinessHours, Site, SiteSettings, SiteWithSecret } from '@parley/protocol';
import { newId, randomKey } from './ids.js';
import { toSite } from './rows.js';
import type { SqlDatabase } from './sql.js';

/** Settings as written: a partial set, merged into the stored one; `hours: null` removes the hours. */
export type SiteSettingsPatch = Partial<Omit<SiteSettings, 'hours'>> & { hours?: BusinessHours | null | undefined };

export function sitesRepo(db: SqlDatabase) {
  const withSecret = (row: Record<string, unknown>): SiteWithSecret => ({
    ...toSite(row),
    identitySecret: String(row.identity_secret),
  });
  return {
    async create(input: { name: string; allowedOrigins: string[]; settings?: SiteSettingsPatch }) {
      const rows = await db.query(
        `insert into sites (id, key, name, allowed_origins, settings, identity_secret)
         values ($1, $2, $3, $4, jsonb_strip_nulls($5::jsonb), $6) returning *`,
        [newId(), randomKey(16), input.name, input.allowedOrigins, JSON.stringify(input.settings ?? {}), randomKey(40)],
      );
      return withSecret(rows[0]!);
    },
    async list(): Promise<Site[]> {
      return (await db.query('select * from sites order by created_at, id')).map(toSite);
    },
    async count(): Promise<number> {
      const rows = await db.query<{ n: number }>('select count(*)::int as n from sites');
      return Number(rows[0]?.n ?? 0);
    },
    async byKey(key: string): Promise<SiteWithSecret | null> {
      const rows = await db.query('select * from sites where key = $1', [key]);
      return rows[0] ? withSecret(rows[0]) : null;
    },
    async byId(id: string): Promise<SiteWithSecret | null> {
      const rows = await db.query('select * from sites where id = $1', [id]);
      return rows[0] ? withSecret(rows[0]) : null;
    },
    async update(
      id: string,
      patch: {
        name?: string | undefined;
        allowedOrigins?: string[] | undefined;
        settings?: SiteSettingsPatch | undefined;
      },
    ): Promise<SiteWithSecret | null> {
      const rows = await db.query(
        `update sites set name = coalesce($2, name), allowed_origins = coalesce($3, allowed_origins),
           settings = jsonb_strip_nulls(settings || coalesce($4::jsonb, '{}'::jsonb))
         where id = $1 returning *`,
        [id, patch.name ?? null, patch.allowedOrigins ?? null, patch.settings ? JSON.stringify(patch.settings) : null],
      );
      return rows[0] ? withSecret(rows[0]) : null;
    },
  };
}
