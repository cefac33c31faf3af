import { newId } from './ids.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, type ConversationRecord, iso, toConversation } from './rows.js';
import { type SqlDatabase, type SqlExecutor, type Statement, statement } from './sql.js';

export type RoutingCandidate = { agentId: string; idleSince: number };
export type Assignment = { conversationId: string; agentId: string };

/** An online agent who could take a conversation, with their free capacity (locked for the decision). */
export type AgentCapacity = {
  agentId: string;
  /** Conversations they may still take (maxChats minus open assignments); more than 0. */
  free: number;
  /** When they were last given a conversation (ms since epoch, 0 = never). */
  lastAssignedAt: number;
  /** Since when they have been available (ms since epoch). */
  idleSince: number;
};

/** Who wins a queued conversation (the routing policy, domain/routing-policy.ts); the store locks and assigns. */
export type ChooseAgent = (conversation: { previousAgentId: string | null }, agents: AgentCapacity[]) => string | null;

/** How an assignment (a row of conversation_assignments) ended. */
export type AssignmentEnd = 'transferred' | 'requeued' | 'closed';

/*
 * The assignment history (conversation_assignments, migration 8) changes only here, in the same transaction
 * as conversations.agent_id and after that conversation's row lock is held (select … for update, or an
 * update of the row earlier in the transaction). So the history never disagrees with the conversation, a
 * conversation's rows are written one at a time, and their clock_timestamp() times are in order.
 */

/**
 * Starts an assignment to $2; ends the open one, if any, at the same instant (a transfer: no gap, no overlap).
 * The insert waits for `ended` (the scalar subquery reads it whole), so the one-open-row index never sees two.
 */
const HAND_OVER_SQL = `
with ended as (
  update conversation_assignments set ended_at = greatest(clock_timestamp(), assigned_at), ended_by = 'transferred'
  where conversation_id = $1 and ended_at is null returning ended_at
)
insert into conversation_assignments (conversation_id, agent_id, assigned_at)
select $1, $2, coalesce((select max(ended_at) from ended), clock_timestamp())`;

const END_ASSIGNMENT_SQL = `
update conversation_assignments set ended_at = greatest(clock_timestamp(), assigned_at), ended_by = $2
where conversation_id = $1 and ended_at is null`;

function handOver(tx: SqlExecutor, conversationId: string, agentId: string) {
  return tx.query(HAND_OVER_SQL, [conversationId, agentId]);
}

function endAssignment(tx: SqlExecutor, conversationId: string, how: AssignmentEnd) {
  return tx.query(END_ASSIGNMENT_SQL, [conversationId, how]);
}

/**
 * Raises one party's seen seq (delivery receipts), never lowers it, never past the conversation's last seq.
 * The row lock makes concurrent receipts keep the highest one. `visitorId`: only that visitor's open
 * conversation. Returns the conversation when the seq rose, null when nothing changed.
 */
const markSeenSql = (who: 'visitor' | 'agent') => `
update conversations set ${who}_seen_seq = least($2::int, last_seq), ${who}_seen_at = now()
where id = $1 and ${who}_seen_seq < least($2::int, last_seq)
  and ($3::text is null or (visitor_id = $3 and status <> 'closed'))
returning id`;
const MARK_VISITOR_SEEN = markSeenSql('visitor');
const MARK_AGENT_SEEN = markSeenSql('agent');
/** Many delivery receipts for visitors in one statement (replies delivered to connected widgets). */
const MARK_VISITORS_SEEN = `
update conversations c set visitor_seen_seq = least(r.seq, c.last_seq), visitor_seen_at = now()
from (select unnest($1::text[]) as id, unnest($2::int[]) as seq) r
where c.id = r.id and c.visitor_seen_seq < least(r.seq, c.last_seq)
returning c.id`;

export type AssignmentRecord = {
  agentId: string;
  assignedAt: string;
  endedAt: string | null;
  endedBy: AssignmentEnd | null;
};

const selectSql = (where: string) => `select ${CONVERSATION_COLUMNS} from ${CONVERSATION_FROM} where ${where} limit 1`;

async function selectOne(
  q: SqlExecutor,
  sql: string | Statement,
  params: unknown[],
): Promise<ConversationRecord | null> {
  const rows = await q.query(sql, params);
  return rows[0] ? toConversation(rows[0]) : null;
}

/** Hot lookups (every agent message, every visitor connection): prepared once. */
const BY_ID = statement('conversation_by_id', selectSql('c.id = $1'));
const OPEN_FOR_VISITOR = statement(
  'conversation_open_for_visitor',
  selectSql("c.visitor_id = $1 and c.status <> 'closed'"),
);
const LATEST_FOR_VISITOR = statement(
  'conversation_latest_for_visitor',
  selectSql('c.visitor_id = $1 order by c.created_at desc'),
);

/** Locks candidate agents (in id order, so concurrent routers never deadlock) and returns their free capacity. */
async function lockCapacity(tx: SqlExecutor, agentIds: string[]) {
  const agents = await tx.query<{ id: string; max_chats: number; last_assigned_at: unknown }>(
    'select id, max_chats, last_assigned_at from agents where id = any($1) and active order by id for update',
    [agentIds],
  );
  const loads = await tx.query<{ agent_id: string; n: number }>(
    `select agent_id, count(*)::int as n from conversations where status = 'assigned' and agent_id = any($1)
     group by agent_id`,
    [agentIds],
  );
  const load = new Map(loads.map((r) => [String(r.agent_id), Number(r.n)]));
  return agents.map((a) => ({
    agentId: String(a.id),
    free: Number(a.max_chats) - (load.get(String(a.id)) ?? 0),
    lastAssignedAt: a.last_assigned_at ? new Date(String(a.last_assigned_at)).getTime() : 0,
  }));
}

export type ConversationFilter = {
  statuses?: string[] | undefined;
  /** Only queued conversations and those assigned to this agent. */
  visibleToAgentId?: string | undefined;
  visitorId?: string | undefined;
  limit: number;
  before?: { createdAt: string; id: string } | undefined;
};

export function conversationsRepo(db: SqlDatabase) {
  return {
    byId(id: string) {
      return selectOne(db, BY_ID, [id]);
    },
    openForVisitor(visitorId: string) {
      return selectOne(db, OPEN_FOR_VISITOR, [visitorId]);
    },
    latestForVisitor(visitorId: string) {
      return selectOne(db, LATEST_FOR_VISITOR, [visitorId]);
    },
    /** The visitor's open conversation, opening a queued one if there is none. */
    async openOrCreate(
      siteId: string,
      visitorId: string,
    ): Promise<{ conversation: ConversationRecord; created: boolean }> {
      const inserted = await db.query(
        `insert into conversations (id, site_id, visitor_id, status) values ($1, $2, $3, 'queued')
         on conflict (visitor_id) where status <> 'closed' do nothing returning id`,
        [newId(), siteId, visitorId],
      );
      const conversation = await selectOne(db, OPEN_FOR_VISITOR, [visitorId]);
      if (!conversation) throw new Error('conversation vanished while opening');
      return { conversation, created: inserted.length > 0 };
    },
    async list(filter: ConversationFilter): Promise<ConversationRecord[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.statuses) where.push(`c.status = any(${param(filter.statuses)})`);
      if (filter.visibleToAgentId)
        where.push(`(c.status = 'queued' or c.agent_id = ${param(filter.visibleToAgentId)})`);
      if (filter.visitorId) where.push(`c.visitor_id = ${param(filter.visitorId)}`);
      if (filter.before)
        where.push(
          `(c.created_at, c.id) < (${param(filter.before.createdAt)}::timestamptz, ${param(filter.before.id)})`,
        );
      const rows = await db.query(
        `select ${CONVERSATION_COLUMNS} from ${CONVERSATION_FROM} ${where.length ? `where ${where.join(' and ')}` : ''}
         order by c.created_at desc, c.id desc limit ${param(filter.limit)}`,
        params,
      );
      return rows.map(toConversation);
    },
    /**
     * One routing step, atomic across processes: lock the candidates' agent rows, count their open
     * conversations, lock the oldest queued conversation (skipping ones another router holds), and give it
     * to the candidate `choose` picks among those with free capacity (the policy: domain/routing-policy.ts).
     */
    async assignNext(candidates: RoutingCandidate[], choose: ChooseAgent): Promise<Assignment | null> {
      if (candidates.length === 0) return null;
      return db.transaction(async (tx) => {
        const idle = new Map(candidates.map((c) => [c.agentId, c.idleSince]));
        const capacity = (await lockCapacity(tx, [...idle.keys()]))
          .filter((a) => a.free > 0)
          .map((a) => ({ ...a, idleSince: idle.get(a.agentId) ?? 0 }));
        if (capacity.length === 0) return null;
        const queued = await tx.query<{ id: string; previous_agent_id: string | null }>(
          `select id, previous_agent_id from conversations where status = 'queued'
           order by queued_at, id limit 1 for update skip locked`,
        );
        const conversation = queued[0];
        if (!conversation) return null;
        const previousAgentId = conversation.previous_agent_id === null ? null : String(conversation.previous_agent_id);
        const agentId = choose({ previousAgentId }, capacity);
        if (agentId === null || !capacity.some((a) => a.agentId === agentId)) return null;
        await tx.query(
          "update conversations set status = 'assigned', agent_id = $2, updated_at = now() where id = $1",
          [conversation.id, agentId],
        );
        await handOver(tx, String(conversation.id), agentId);
        await tx.query('update agents set last_assigned_at = clock_timestamp() where id = $1', [agentId]);
        return { conversationId: String(conversation.id), agentId };
      });
    },
    /**
     * Gives a queued conversation to a chosen agent (accept, or transfer to an agent) if they have capacity.
     * `from` restricts the change to conversations in that state/owner. Returns a reason on refusal.
     */
    async assignTo(
      conversationId: string,
      agentId: string,
      from: { status: 'queued' } | { status: 'assigned'; agentId: string | null },
    ): Promise<'ok' | 'not_found' | 'conflict' | 'at_capacity'> {
      return db.transaction(async (tx) => {
        const [capacity] = await lockCapacity(tx, [agentId]);
        const rows = await tx.query<{ status: string; agent_id: string | null }>(
          'select status, agent_id from conversations where id = $1 for update',
          [conversationId],
        );
        const row = rows[0];
        if (!row) return 'not_found';
        if (row.status !== from.status) return 'conflict';
        if (from.status === 'assigned' && from.agentId !== null && row.agent_id !== from.agentId) return 'conflict';
        if (!capacity || capacity.free <= 0) return 'at_capacity';
        await tx.query(
          `update conversations set status = 'assigned', previous_agent_id = agent_id, agent_id = $2, updated_at = now()
           where id = $1`,
          [conversationId, agentId],
        );
        await handOver(tx, conversationId, agentId);
        await tx.query('update agents set last_assigned_at = clock_timestamp() where id = $1', [agentId]);
        return 'ok';
      });
    },
    /** Back to the queue (keeps its place: queued_at is when the visitor first waited). */
    async requeue(conversationId: string, fromAgentId: string | null): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.query(
          `update conversations set status = 'queued', previous_agent_id = agent_id, agent_id = null, updated_at = now()
           where id = $1 and status = 'assigned' and ($2::text is null or agent_id = $2) returning id`,
          [conversationId, fromAgentId],
        );
        if (rows.length === 0) return false;
        await endAssignment(tx, conversationId, 'requeued');
        return true;
      });
    },
    async openIdsForAgent(agentId: string): Promise<string[]> {
      const rows = await db.query<{ id: string }>(
        "select id from conversations where agent_id = $1 and status = 'assigned' order by id",
        [agentId],
      );
      return rows.map((r) => String(r.id));
    },
    async agentsWithOpenConversations(): Promise<string[]> {
      const rows = await db.query<{ agent_id: string }>(
        "select distinct agent_id from conversations where status = 'assigned' and agent_id is not null",
      );
      return rows.map((r) => String(r.agent_id));
    },
    async close(conversationId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.query(
          `update conversations set status = 'closed', closed_at = now(), updated_at = now()
           where id = $1 and status <> 'closed' returning id`,
          [conversationId],
        );
        if (rows.length === 0) return false;
        await endAssignment(tx, conversationId, 'closed');
        return true;
      });
    },
    /** Delivery receipt from (or for) the visitor: see markSeenSql. */
    async markVisitorSeen(id: string, seq: number, opts: { visitorId?: string } = {}) {
      const rows = await db.query(MARK_VISITOR_SEEN, [id, seq, opts.visitorId ?? null]);
      return rows.length ? selectOne(db, BY_ID, [id]) : null;
    },
    /** Several visitor receipts at once (conversation id → seq): the conversations whose seen seq rose. */
    async markVisitorsSeen(seen: Map<string, number>): Promise<ConversationRecord[]> {
      if (seen.size === 0) return [];
      const rows = await db.query<{ id: string }>(MARK_VISITORS_SEEN, [[...seen.keys()], [...seen.values()]]);
      if (rows.length === 0) return [];
      const found = await db.query(`select ${CONVERSATION_COLUMNS} from ${CONVERSATION_FROM} where c.id = any($1)`, [
        rows.map((r) => String(r.id)),
      ]);
      return found.map(toConversation);
    },
    /** Delivery receipt from the agents' side: see markSeenSql. */
    async markAgentSeen(id: string, seq: number) {
      const rows = await db.query(MARK_AGENT_SEEN, [id, seq, null]);
      return rows.length ? selectOne(db, BY_ID, [id]) : null;
    },
    /** Who held the conversation, oldest first. */
    async assignments(conversationId: string): Promise<AssignmentRecord[]> {
      const rows = await db.query(
        `select agent_id, assigned_at, ended_at, ended_by from conversation_assignments
         where conversation_id = $1 order by assigned_at, ended_at nulls last`,
        [conversationId],
      );
      return rows.map((r) => ({
        agentId: String(r.agent_id),
        assignedAt: iso(r.assigned_at),
        endedAt: r.ended_at === null || r.ended_at === undefined ? null : iso(r.ended_at),
        endedBy: (r.ended_by ?? null) as AssignmentEnd | null,
      }));
    },
    async rate(conversationId: string, score: number, comment: string | null): Promise<boolean> {
      const rows = await db.query(
        `update conversations set rating = $2, rating_comment = $3, updated_at = now()
         where id = $1 and status = 'closed' returning id`,
        [conversationId, score, comment],
      );
      return rows.length > 0;
    },
    async queueStats(): Promise<{ length: number; oldestQueuedAt: string | null }> {
      const rows = await db.query<{ n: number; oldest: unknown }>(
        "select count(*)::int as n, min(queued_at) as oldest from conversations where status = 'queued'",
      );
      const row = rows[0];
      return {
        length: Number(row?.n ?? 0),
        oldestQueuedAt: row?.oldest ? new Date(String(row.oldest)).toISOString() : null,
      };
    },
  };
}
