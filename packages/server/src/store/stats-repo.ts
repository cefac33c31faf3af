import type { PeriodStats } from '@parley/protocol';
import type { Row, SqlDatabase } from './sql.js';

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const int = (value: unknown): number => Number(value ?? 0);

/**
 * Per-conversation durations for conversations started in [$1, $2), in seconds:
 * - frt: first agent reply − queued (first response time)
 * - wait: first "joined the conversation" event (or close, or now while still queued) − queued
 */
const PERIOD = `
  period as (
    select c.id, c.status, c.rating, c.created_at,
      extract(epoch from (c.first_response_at - c.queued_at))::float8 as frt,
      extract(epoch from (coalesce(j.joined_at, c.closed_at, now()) - c.queued_at))::float8 as wait
    from conversations c
    left join lateral (
      select min(m.created_at) as joined_at from messages m
      where m.conversation_id = c.id and m.author = 'system' and not m.internal
        and m.text like '% joined the conversation'
    ) j on true
    where c.created_at >= $1::timestamptz and c.created_at < $2::timestamptz
  )`;

/**
 * Every assignment of a period conversation (conversation_assignments, migration 8); handle = how long that
 * agent held it (ended − assigned), null while it is still held. closer: it held the conversation at close.
 */
const HELD = `
  held as (
    select a.conversation_id, a.agent_id, a.ended_by = 'closed' as closer,
      extract(epoch from (a.ended_at - a.assigned_at))::float8 as handle
    from conversation_assignments a join period p on p.id = a.conversation_id
  )`;

/**
 * Credit per agent, the rules, as one row per (conversation, agent, kind):
 * - replies: the agents who wrote a visitor-visible reply, with the seq of their first one (per conversation,
 *   lateral: an index lookup per period conversation, never a scan of all messages);
 * - held: each assignment, its handle time (only that agent's stretch of the conversation);
 * - frt: the conversation's first response time, to the author of the first agent reply (the reply that
 *   set conversations.first_response_at), so the per-agent counts add up to the total's;
 * - csat: the rating, in full, to every agent who replied; with no reply at all, to the agent who held the
 *   conversation at close.
 */
const CREDIT = `
  replies as (
    select p.id as conversation_id, r.agent_id, r.first_seq from period p
    cross join lateral (
      select m.author_id as agent_id, min(m.seq) as first_seq from messages m
      where m.conversation_id = p.id and m.author = 'agent' and not m.internal and m.author_id is not null
      group by m.author_id
    ) r
  ),
  first_reply as (
    select distinct on (conversation_id) conversation_id, agent_id from replies order by conversation_id, first_seq
  ),
  facts as (
    select conversation_id, agent_id, 'held' as kind, handle as value, closer from held
    union all
    select conversation_id, agent_id, 'replied', null, false from replies
    union all
    select p.id, f.agent_id, 'frt', p.frt, false from period p join first_reply f on f.conversation_id = p.id
    union all
    select p.id, r.agent_id, 'csat', p.rating, false from period p join replies r on r.conversation_id = p.id
    where p.rating is not null
    union all
    select p.id, h.agent_id, 'csat', p.rating, false from period p join held h on h.conversation_id = p.id and h.closer
    where p.rating is not null and not exists (select 1 from replies r where r.conversation_id = p.id)
  )`;

/** Supervisor numbers, computed in SQL (percentile_cont) so they hold for any volume and both backends. */
export function statsRepo(db: SqlDatabase) {
  return {
    async period(from: Date, to: Date): Promise<PeriodStats> {
      const params = [from.toISOString(), to.toISOString()];
      const [totals, daily, agents] = await Promise.all([
        db.query(
          `with ${PERIOD}, ${HELD}
           select count(*)::int as conversations,
             count(*) filter (where status = 'closed')::int as closed,
             percentile_cont(0.5) within group (order by frt) as frt_median,
             percentile_cont(0.9) within group (order by frt) as frt_p90,
             count(frt)::int as frt_count,
             (select percentile_cont(0.5) within group (order by handle) from held) as handle_median,
             (select count(handle) from held)::int as handle_count,
             percentile_cont(0.5) within group (order by wait) as wait_median,
             count(wait)::int as wait_count,
             avg(rating)::float8 as csat_mean,
             count(rating)::int as csat_count,
             count(*) filter (where rating = 1)::int as r1,
             count(*) filter (where rating = 2)::int as r2,
             count(*) filter (where rating = 3)::int as r3,
             count(*) filter (where rating = 4)::int as r4,
             count(*) filter (where rating = 5)::int as r5
           from period`,
          params,
        ),
        db.query(
          `with ${PERIOD}
           select to_char(d, 'YYYY-MM-DD') as day, count(p.id)::int as conversations,
             count(p.id) filter (where p.status = 'closed')::int as closed
           from generate_series(
             date_trunc('day', $1::timestamptz at time zone 'UTC'),
             ($2::timestamptz at time zone 'UTC') - interval '1 microsecond',
             interval '1 day') d
           left join period p on date_trunc('day', p.created_at at time zone 'UTC') = d
           group by d order by d`,
          params,
        ),
        db.query(
          `with ${PERIOD}, ${HELD}, ${CREDIT}
           select f.agent_id, a.name,
             count(distinct f.conversation_id) filter (where f.kind in ('held', 'replied'))::int as conversations,
             count(*) filter (where f.closer)::int as closed,
             percentile_cont(0.5) within group (order by f.value) filter (where f.kind = 'frt') as frt_median,
             percentile_cont(0.5) within group (order by f.value) filter (where f.kind = 'held') as handle_median,
             (avg(f.value) filter (where f.kind = 'csat'))::float8 as csat_mean,
             count(*) filter (where f.kind = 'csat')::int as rated
           from facts f join agents a on a.id = f.agent_id
           group by f.agent_id, a.name order by conversations desc, a.name`,
          params,
        ),
      ]);
      const t: Row = totals[0] ?? {};
      return {
        from: params[0]!,
        to: params[1]!,
        conversations: int(t.conversations),
        closed: int(t.closed),
        firstResponse: { median: num(t.frt_median), p90: num(t.frt_p90), count: int(t.frt_count) },
        handleTime: { median: num(t.handle_median), count: int(t.handle_count) },
        wait: { median: num(t.wait_median), count: int(t.wait_count) },
        csat: {
          mean: num(t.csat_mean),
          count: int(t.csat_count),
          distribution: [int(t.r1), int(t.r2), int(t.r3), int(t.r4), int(t.r5)],
        },
        daily: daily.map((r) => ({ day: String(r.day), conversations: int(r.conversations), closed: int(r.closed) })),
        agents: agents.map((r) => ({
          agentId: String(r.agent_id),
          name: String(r.name),
          conversations: int(r.conversations),
          closed: int(r.closed),
          firstResponseMedian: num(r.frt_median),
          handleTimeMedian: num(r.handle_median),
          csatMean: num(r.csat_mean),
          rated: int(r.rated),
        })),
      };
    },
    /** Queue length, longest wait and open assignments right now. */
    async live(): Promise<{
      queueLength: number;
      oldestQueuedAt: string | null;
      longestWaitSeconds: number;
      assigned: number;
    }> {
      const rows = await db.query(
        `select count(*) filter (where status = 'queued')::int as queued,
           count(*) filter (where status = 'assigned')::int as assigned,
           min(queued_at) filter (where status = 'queued') as oldest,
           coalesce(extract(epoch from (now() - min(queued_at) filter (where status = 'queued'))), 0)::float8 as longest
         from conversations where status <> 'closed'`,
      );
      const r: Row = rows[0] ?? {};
      return {
        queueLength: int(r.queued),
        oldestQueuedAt: r.oldest ? new Date(String(r.oldest)).toISOString() : null,
        longestWaitSeconds: Math.max(0, Math.round(Number(r.longest ?? 0))),
        assigned: int(r.assigned),
      };
    },
  };
}
