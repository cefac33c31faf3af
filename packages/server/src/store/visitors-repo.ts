import type { PageContext, VerifiedField } from '@parley/protocol';
import { newId } from './ids.js';
import { iso } from './rows.js';
import type { Row, SqlDatabase } from './sql.js';

export type Visitor = {
  id: string;
  siteId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  /** The fields the site signed (userHash: userId; identity token: userId and the claims it carried). */
  verifiedFields: VerifiedField[];
  context: PageContext;
  createdAt: string;
  lastSeenAt: string;
};

function toVisitor(row: Row): Visitor {
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    userId: row.user_id == null ? null : String(row.user_id),
    name: row.name == null ? null : String(row.name),
    email: row.email == null ? null : String(row.email),
    verifiedFields: Array.isArray(row.verified_fields) ? (row.verified_fields as VerifiedField[]) : [],
    context: (typeof row.context === 'string' ? JSON.parse(row.context) : row.context) as PageContext,
    createdAt: iso(row.created_at),
    lastSeenAt: iso(row.last_seen_at),
  };
}

export function visitorsRepo(db: SqlDatabase) {
  return {
    async create(siteId: string): Promise<Visitor> {
      const rows = await db.query('insert into visitors (id, site_id) values ($1, $2) returning *', [newId(), siteId]);
      return toVisitor(rows[0]!);
    },
    async byId(id: string): Promise<Visitor | null> {
      const rows = await db.query('select * from visitors where id = $1', [id]);
      return rows[0] ? toVisitor(rows[0]) : null;
    },
    async byUserId(siteId: string, userId: string): Promise<Visitor | null> {
      const rows = await db.query('select * from visitors where site_id = $1 and user_id = $2', [siteId, userId]);
      return rows[0] ? toVisitor(rows[0]) : null;
    },
    /** Binds a verified userId to a visitor; returns the visitor that owns the userId afterwards. */
    async bindUser(visitorId: string, siteId: string, userId: string): Promise<Visitor> {
      const owner = await this.byUserId(siteId, userId);
      if (owner) return owner;
      const rows = await db.query('update visitors set user_id = $2 where id = $1 and user_id is null returning *', [
        visitorId,
        userId,
      ]);
      if (rows[0]) return toVisitor(rows[0]);
      // The visitor is already bound to another user: start a fresh visitor for this user.
      const fresh = await db.query('insert into visitors (id, site_id, user_id) values ($1, $2, $3) returning *', [
        newId(),
        siteId,
        userId,
      ]);
      return toVisitor(fresh[0]!);
    },
    /**
     * The visitor's own word (visitor:update, or name/email beside a userHash): sets name and email, except
     * a field the site signed, which only a signed identity may change. One statement, so a concurrent
     * verification on another process cannot be overwritten in between.
     */
    async update(id: string, patch: { name?: string | undefined; email?: string | undefined }) {
      const rows = await db.query(
        `update visitors set
           name = case when 'name' = any(verified_fields) then name else coalesce($2, name) end,
           email = case when 'email' = any(verified_fields) then email else coalesce($3, email) end
         where id = $1 returning *`,
        [id, patch.name ?? null, patch.email ?? null],
      );
      return rows[0] ? toVisitor(rows[0]) : null;
    },
    /** A verified identity: sets the signed name/email and adds `fields` to what the site vouches for. */
    async verify(
      id: string,
      signed: { name?: string | undefined; email?: string | undefined },
      fields: VerifiedField[],
    ) {
      const rows = await db.query(
        `update visitors set name = coalesce($2, name), email = coalesce($3, email),
           verified_fields = array(select distinct f from unnest(verified_fields || $4::text[]) as f order by f)
         where id = $1 returning *`,
        [id, signed.name ?? null, signed.email ?? null, fields],
      );
      return rows[0] ? toVisitor(rows[0]) : null;
    },
    async setContext(id: string, context: PageContext) {
      await db.query('update visitors set context = $2, last_seen_at = now() where id = $1', [
        id,
        JSON.stringify(context),
      ]);
    },
  };
}
