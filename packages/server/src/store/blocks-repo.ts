import type { VisitorBlock } from '@parley/protocol';
import { newId } from './ids.js';
import { iso } from './rows.js';
import type { Row, SqlDatabase } from './sql.js';

function toBlock(row: Row): VisitorBlock {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    visitorId: str(row.visitor_id),
    ip: str(row.ip),
    reason: str(row.reason),
    conversationId: str(row.conversation_id),
    createdBy: str(row.created_by),
    createdByName: str(row.created_by_name),
    createdAt: iso(row.created_at),
  };
}

/** Moderation blocks (a visitor id and/or an IP address refused on one site) and visitors' last address. */
export function blocksRepo(db: SqlDatabase) {
  return {
    async create(input: {
      siteId: string;
      visitorId: string | null;
      ip: string | null;
      reason: string | null;
      conversationId: string | null;
      createdBy: string | null;
    }): Promise<VisitorBlock> {
      const rows = await db.query(
        `insert into visitor_blocks (id, site_id, visitor_id, ip, reason, conversation_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning *`,
        [newId(), input.siteId, input.visitorId, input.ip, input.reason, input.conversationId, input.createdBy],
      );
      return toBlock(rows[0]!);
    },
    async list(): Promise<VisitorBlock[]> {
      const rows = await db.query(
        `select b.*, a.name as created_by_name from visitor_blocks b left join agents a on a.id = b.created_by
         order by b.created_at desc, b.id desc limit 1000`,
      );
      return rows.map(toBlock);
    },
    async byId(id: string): Promise<VisitorBlock | null> {
      const rows = await db.query(
        `select b.*, a.name as created_by_name from visitor_blocks b left join agents a on a.id = b.created_by
         where b.id = $1`,
        [id],
      );
      return rows[0] ? toBlock(rows[0]) : null;
    },
    async remove(id: string): Promise<boolean> {
      return (await db.query('delete from visitor_blocks where id = $1 returning id', [id])).length > 0;
    },
    /** Whether this visitor (when known) or this address is blocked on the site. */
    async isBlocked(siteId: string, visitorId: string | null, ip: string | null): Promise<boolean> {
      const rows = await db.query(
        `select 1 from visitor_blocks where site_id = $1
           and ((visitor_id is not null and visitor_id = $2) or (ip is not null and ip = $3)) limit 1`,
        [siteId, visitorId, ip],
      );
      return rows.length > 0;
    },
    /** Remembers the address a visitor last connected from (so they can be blocked while offline). */
    async recordAddress(visitorId: string, ip: string | null): Promise<void> {
      if (!ip) return;
      await db.query('update visitors set last_ip = $2 where id = $1 and last_ip is distinct from $2', [visitorId, ip]);
    },
    async addressOf(visitorId: string): Promise<string | null> {
      const rows = await db.query<{ last_ip: string | null }>('select last_ip from visitors where id = $1', [
        visitorId,
      ]);
      return rows[0]?.last_ip == null ? null : String(rows[0].last_ip);
    },
  };
}

export type BlocksRepo = ReturnType<typeof blocksRepo>;
