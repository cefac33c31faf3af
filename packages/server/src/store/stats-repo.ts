import type { PeriodStats } from '@parley/protocol';
import type { Row, SqlDatabase } from './sql.js';

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const int = (value: unknown): number => Number(value ?? 0);

/**
 * Per-conversation durations for conversations started in [$1, $2), in seconds:
 * - frt: first agent reply − queued (first response time)
 * - handle: closed − first agent reply (time an agent worked it)
 * - wait: first "joined the conversation" event (or close, or now while still queued) − queued
 */
const PERIOD = `
  period as (
    select c.id, c.agent_id, c.status, c.rating, c.created_at,
      extract(epoch from (c.first_response_at - c.queued_at))::float8 as frt,
      extract(epoch from (c.closed_at - c.first_response_at))::float8 as handle,
      extract(epoch from (coalesce(j.joined_at, c.closed_at, now()) - c.queued_at))::float8 as wait
    from conversations c
    left join lateral (
      select min(m.created_at) as joined_at from messages m
      where m.conversation_id = c.id and m.author = 'system' and not m.internal
        and m.text like '% joined the conversation'
    ) j on true
    where c.created_at >= $1::timestamptz and c.created_at < $2::timestamptz
  )`;

/** Supervisor numbers, computed in SQL (percentile_cont) so they hold for any volume and both backends. */
export function statsRepo(db: SqlDatabase) {
  return {
    async period(from: Date, to: Date): Promise<PeriodStats> {
      const params = [from.toISOString(), to.toISOString()];
      const [totals, daily, agents] = await Promise.all([
        db.query(
          `with ${PERIOD}
           select count(*)::int as conversations,
             count(*) filter (where status = 'closed')::int as closed,
             percentile_cont(0.5) within group (order by frt) as frt_median,
             percentile_cont(0.9) within group (order by frt) as frt_p90,
             count(frt)::int as frt_count,
             percentile_cont(0.5) within group (order by handle) as handle_median,
             count(handle)::int as handle_count,
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
          `with ${PERIOD}
           select p.agent_id, a.name, count(*)::int as conversations,
             count(*) filter (where p.status = 'closed')::int as closed,
             percentile_cont(0.5) within group (order by p.frt) as frt_median,
             percentile_cont(0.5) within group (order by p.handle) as handle_median,
             avg(p.rating)::float8 as csat_mean,
             count(p.rating)::int as rated
           from period p join agents a on a.id = p.agent_id
           group by p.agent_id, a.name order by count(*) desc, a.name`,
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
