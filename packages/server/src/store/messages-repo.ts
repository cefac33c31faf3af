import type { Author, Conversation, Message } from '@parley/protocol';
import { newId } from '../domain/ids.js';
import { toMessage } from './rows.js';
import { isUniqueViolation, type SqlDatabase } from './sql.js';

export type NewMessage = {
  conversationId: string;
  clientId: string | null;
  author: Author;
  authorId: string | null;
  authorName: string | null;
  text: string;
  internal: boolean;
  /** Refuse (return null) when the conversation is closed. System messages and notes may follow a close. */
  requireOpen?: boolean;
  /** For visitor messages: a clientId already used in any of this visitor's conversations is a repeat. */
  visitorId?: string | null;
};

/** Who must hear about a new message: enough of the conversation to pick the rooms. */
export type MessageAudience = Pick<Conversation, 'id' | 'status' | 'agentId' | 'visitorId'>;

export type AppendResult = { message: Message; created: boolean; audience: MessageAudience | null };

/**
 * Appends a message in ONE statement (one round trip, atomic on its own):
 * - `earlier`: the message this clientId already produced (same conversation, or any conversation of the
 *   same visitor) — then nothing is written and the earlier message is returned;
 * - `bump`: otherwise take the next seq by incrementing the conversation's counter (row-locked, so seqs are
 *   gap-free: a failed statement rolls the increment back);
 * - `ins`: insert the message with that seq.
 * Two racing repeats of one clientId: the loser hits the unique index and is retried, finding the winner.
 */
const APPEND_SQL = `
with earlier as (
  select m.* from messages m
  where $3::text is not null and m.client_id = $3
    and m.conversation_id in (select c.id from conversations c where c.id = $1 or ($11::text is not null and c.visitor_id = $11))
  limit 1
), bump as (
  update conversations set last_seq = last_seq + 1, updated_at = now(),
    first_response_at = case when $9 and first_response_at is null then now() else first_response_at end
  where id = $1 and not exists (select 1 from earlier) and (not $10 or status <> 'closed')
  returning last_seq, status, agent_id, visitor_id
), ins as (
  insert into messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, internal)
  select $2, $1, bump.last_seq, $3, $4, $5, $6, $7, $8 from bump
  returning *
)
select ins.*, true as created, bump.status as c_status, bump.agent_id as c_agent_id, bump.visitor_id as c_visitor_id
  from ins, bump
union all
select earlier.*, false, null::text, null::text, null::text from earlier`;

export function messagesRepo(db: SqlDatabase) {
  const appendOnce = async (input: NewMessage): Promise<AppendResult | null> => {
    const rows = await db.query(APPEND_SQL, [
      input.conversationId,
      newId(),
      input.clientId,
      input.author,
      input.authorId,
      input.authorName,
      input.text,
      input.internal,
      input.author === 'agent' && !input.internal,
      input.requireOpen ?? false,
      input.visitorId ?? null,
    ]);
    const row = rows[0];
    if (!row) return null;
    const created = row.created === true;
    return {
      message: toMessage(row),
      created,
      audience: created
        ? {
            id: input.conversationId,
            status: row.c_status as Conversation['status'],
            agentId: row.c_agent_id == null ? null : String(row.c_agent_id),
            visitorId: String(row.c_visitor_id),
          }
        : null,
    };
  };
  return {
    /** Null when the conversation does not exist (or is closed and `requireOpen`). */
    async append(input: NewMessage): Promise<AppendResult | null> {
      try {
        return await appendOnce(input);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return appendOnce(input);
      }
    },
    async list(conversationId: string, opts: { after?: number; includeInternal: boolean; limit?: number }) {
      const rows = await db.query(
        `select * from messages where conversation_id = $1 and seq > $2 and ($3 or not internal)
         order by seq limit $4`,
        [conversationId, opts.after ?? 0, opts.includeInternal, opts.limit ?? 10_000],
      );
      return rows.map(toMessage);
    },
    async count(): Promise<number> {
      const rows = await db.query<{ n: number }>('select count(*)::int as n from messages');
      return Number(rows[0]?.n ?? 0);
    },
  };
}
