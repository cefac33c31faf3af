import type { Author, Conversation, Message } from '@parley/protocol';
import { isUniqueViolation } from '../driver-errors.js';
import { AppendBatcher } from './append-batcher.js';
import { attachmentsOf, bindAttachments } from './attachments-repo.js';
import { newId } from './ids.js';
import { toMessage } from './rows.js';
import { type Row, type SqlDatabase, type SqlExecutor, statement } from './sql.js';

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
  /**
   * For visitor messages: a clientId the visitor already used in any of their conversations is a repeat
   * (the widget's outbox may re-send after the conversation closed).
   */
  visitorId?: string | null;
  /** Refuse (return null) unless the conversation is assigned to this agent: an agent's reply. */
  requireAgentId?: string | null;
  /** Attachment ids (the sender's own unbound uploads): such a message takes appendWithAttachments. */
  attachmentIds?: readonly string[] | undefined;
};

/** Who must hear about a new message: enough of the conversation to pick the rooms. */
export type MessageAudience = Pick<Conversation, 'id' | 'status' | 'agentId' | 'visitorId'>;

export type AppendResult = { message: Message; created: boolean; audience: MessageAudience | null };

/** Thrown inside appendWithAttachments' transaction to roll it back: an attachment could not be bound. */
class UnboundAttachments extends Error {}

/**
 * Columns by name, never `*`: a prepared statement whose result type changes (a column added by a newer
 * process's migration) fails with "cached plan must not change result type" on PostgreSQL.
 */
const MESSAGE_COLUMNS =
  'id, conversation_id, seq, client_id, author, author_id, author_name, text, internal, created_at';

/**
 * A clientId is an idempotency key of its SENDER: the same author kind and author id, in the same
 * conversation (or, for a visitor, in any of their conversations). Someone else's message with the same
 * clientId is not a repeat: an agent's note never answers a visitor's send, and a visitor's key never
 * swallows an agent's reply. The unique index messages_client_id (migration 6) enforces the same scope.
 */
const SAME_SENDER = (m: string, author: string, authorId: string) =>
  `${m}.author = ${author} and ${m}.author_id is not distinct from ${authorId}`;

/**
 * Appends a message in ONE statement (one round trip, atomic on its own):
 * - `earlier`: the message this clientId already produced for the same sender (same conversation, or any
 *   conversation of the same visitor) — then nothing is written and the earlier message is returned;
 * - `bump`: otherwise take the next seq by incrementing the conversation's counter (row-locked, so seqs are
 *   gap-free: a failed statement rolls the increment back), provided the conversation takes the message
 *   (open, when `requireOpen`; assigned to `requireAgentId`, when given);
 * - `ins`: insert the message with that seq.
 * Two racing repeats of one clientId: the loser hits the unique index and is retried, finding the winner.
 */
const APPEND_SQL = statement(
  'append_message',
  `
with earlier as (
  select ${MESSAGE_COLUMNS} from messages m
  where $3::text is not null and m.client_id = $3 and ${SAME_SENDER('m', '$4', '$5')}
    and (m.conversation_id = $1 or exists (select 1 from conversations c
      where c.id = m.conversation_id and $11::text is not null and c.visitor_id = $11))
  limit 1
), bump as (
  update conversations set last_seq = last_seq + 1, updated_at = now(),
    first_response_at = case when $9 and first_response_at is null then now() else first_response_at end
  where id = $1 and not exists (select 1 from earlier) and (not $10 or status <> 'closed')
    and ($12::text is null or agent_id = $12)
  returning last_seq, status, agent_id, visitor_id
), ins as (
  insert into messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, internal)
  select $2, $1, bump.last_seq, $3, $4, $5, $6, $7, $8 from bump
  returning ${MESSAGE_COLUMNS}
)
select ins.*, true as created, bump.status as c_status, bump.agent_id as c_agent_id, bump.visitor_id as c_visitor_id
  from ins, bump
union all
select earlier.*, false, null::text, null::text, null::text from earlier`,
);

/**
 * The same append for a whole batch, still ONE statement (atomic: all or nothing):
 * - `input`: the batch as rows (unnest of one array per column), `ord` = arrival order;
 * - `looked`: per row, the message its clientId already produced, as in APPEND_SQL (`fresh` = none). The
 *   batcher never puts two rows of one clientId scope in one batch, so rows need not see each other;
 * - `locked`: row-locks the conversations of the fresh rows, in id order (two batches from two processes
 *   never deadlock on each other), and reads their state as locked;
 * - `taken`: the fresh rows their conversation takes — open, or the row does not require it; assigned to
 *   the row's requireAgentId, when it has one;
 * - `want`: per conversation, how many rows need a seq. It is an aggregate, so every lock is held before
 *   `bump` updates anything;
 * - `bump`: one counter increment by n per conversation (gap-free: the statement commits or rolls back whole);
 * - `accepted`: the taken rows numbered last_seq - n + row_number() in arrival order; `ins` stores
 *   them (a data-modifying CTE always runs to completion; a failed insert fails the whole statement) and
 *   the result is read from `accepted`, created_at = now() being the statement's one timestamp.
 * Written so that the planner's row estimates stay near the batch size (a boolean column rather than an
 * anti-join or IS NULL filter): with estimates of 1 it picks nested loops that are quadratic in the batch.
 */
const APPEND_BATCH_SQL = statement(
  'append_messages',
  `
with input as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::boolean[], $9::boolean[], $10::boolean[], $11::text[], $12::text[])
    with ordinality as r(conversation_id, id, client_id, author, author_id, author_name, text,
      internal, first_response, require_open, visitor_id, require_agent, ord)
), looked as (
  select i.*, e.id is null as fresh, e.id as e_id, e.conversation_id as e_conversation_id, e.seq as e_seq,
    e.client_id as e_client_id, e.author as e_author, e.author_id as e_author_id, e.author_name as e_author_name,
    e.text as e_text, e.internal as e_internal, e.created_at as e_created_at
  from input i
  left join lateral (
    select ${MESSAGE_COLUMNS} from messages m
    where i.client_id is not null and m.client_id = i.client_id and ${SAME_SENDER('m', 'i.author', 'i.author_id')}
      and (m.conversation_id = i.conversation_id or exists (select 1 from conversations c
        where c.id = m.conversation_id and i.visitor_id is not null and c.visitor_id = i.visitor_id))
    limit 1
  ) e on true
), locked as (
  select c.id, c.status, c.agent_id from conversations c
  where c.id = any(array(select conversation_id from looked where fresh)) order by c.id for update
), taken as (
  select t.* from looked t join locked l on l.id = t.conversation_id
  where t.fresh and (l.status <> 'closed' or not t.require_open)
    and (t.require_agent is null or t.require_agent = l.agent_id)
), want as (
  select conversation_id, count(*)::int as n, bool_or(first_response) as fr from taken group by conversation_id
), bump as (
  update conversations c set
    last_seq = c.last_seq + w.n,
    updated_at = now(),
    first_response_at = case when c.first_response_at is null and w.fr then now() else c.first_response_at end
  from want w
  where c.id = w.conversation_id
  returning c.id, c.last_seq, c.status, c.agent_id, c.visitor_id, w.n
), accepted as (
  select t.ord, t.id, t.conversation_id, t.client_id, t.author, t.author_id, t.author_name, t.text, t.internal,
    b.last_seq - b.n + row_number() over (partition by t.conversation_id order by t.ord) as seq, now() as created_at,
    b.status as c_status, b.agent_id as c_agent_id, b.visitor_id as c_visitor_id
  from taken t join bump b on b.id = t.conversation_id
), ins as (
  insert into messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, internal, created_at)
  select id, conversation_id, seq, client_id, author, author_id, author_name, text, internal, created_at from accepted
)
select ord, id, conversation_id, seq, client_id, author, author_id, author_name, text, internal, created_at,
    true as created, c_status, c_agent_id, c_visitor_id
  from accepted
union all
select ord, e_id, e_conversation_id, e_seq, e_client_id, e_author, e_author_id, e_author_name, e_text,
    e_internal, e_created_at, false, null::text, null::text, null::text
  from looked where not fresh`,
);

/** The message a visitor already sent with this clientId, in any of their conversations (APPEND_SQL's scope). */
const VISITOR_REPEAT_SQL = statement(
  'visitor_message_by_client_id',
  `
select ${MESSAGE_COLUMNS} from messages m
where m.client_id = $2 and ${SAME_SENDER('m', "'visitor'", '$1')}
  and exists (select 1 from conversations c where c.id = m.conversation_id and c.visitor_id = $1)
limit 1`,
);

/** The append statements, for the plan checks in the store suite. */
export const appendStatements = { one: APPEND_SQL, batch: APPEND_BATCH_SQL };

export type MessagesRepoOptions = {
  /** Largest group-commit batch (default 200); 1 turns batching off. */
  maxBatch?: number;
};

function toResult(input: NewMessage, row: Row): AppendResult {
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
}

/**
 * The idempotency scopes of a message, as the append statements see them: its sender in its conversation,
 * and for visitor messages the sender across the visitor's conversations.
 */
function clientIdScopes(input: NewMessage): string[] {
  if (input.clientId === null) return [];
  const sender = `${input.author}\u0000${input.authorId ?? ''}\u0000${input.clientId}`;
  const keys = [`c\u0000${input.conversationId}\u0000${sender}`];
  if (input.visitorId) keys.push(`v\u0000${input.visitorId}\u0000${sender}`);
  return keys;
}

const appendParams = (input: NewMessage) => [
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
  input.requireAgentId ?? null,
];

/** Fills in the attachments of the messages whose row says they have some: one query, only when needed. */
async function withAttachments(db: SqlExecutor, rows: Row[], messages: Message[]): Promise<Message[]> {
  const ids = messages.filter((_, i) => rows[i]!.has_attachments === true).map((m) => m.id);
  if (ids.length === 0) return messages;
  const byMessage = await attachmentsOf(db, ids);
  for (const message of messages) message.attachments = byMessage.get(message.id) ?? [];
  return messages;
}

export function messagesRepo(db: SqlDatabase, options: MessagesRepoOptions = {}) {
  const appendOnce = async (input: NewMessage): Promise<AppendResult | null> => {
    const rows = await db.query(APPEND_SQL, appendParams(input));
    const row = rows[0];
    return row ? toResult(input, row) : null;
  };
  /**
   * APPEND_SQL and the binding of the attachments in one transaction: the message exists with all its
   * files or not at all (its seq rolled back too). A repeat of the clientId binds nothing and returns the
   * stored message with its attachments.
   */
  const appendWithFilesOnce = (input: NewMessage, ids: readonly string[]) =>
    db.transaction(async (tx): Promise<AppendResult | null> => {
      const row = (await tx.query(APPEND_SQL, appendParams(input)))[0];
      if (!row) return null;
      const result = toResult(input, row);
      if (result.created) {
        const uploader = { kind: input.author as 'visitor' | 'agent', id: input.authorId ?? '' };
        const binding = { ids, conversationId: input.conversationId, messageId: result.message.id, uploader };
        if ((await bindAttachments(tx, binding)) !== ids.length) throw new UnboundAttachments();
        await tx.query('update messages set has_attachments = true where id = $1', [result.message.id]);
      }
      result.message.attachments = (await attachmentsOf(tx, [result.message.id])).get(result.message.id) ?? [];
      return result;
    });
  const appendSingle = async (input: NewMessage): Promise<AppendResult | null> => {
    try {
      return await appendOnce(input);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return appendOnce(input);
    }
  };
  const appendBatch = async (inputs: NewMessage[]): Promise<(AppendResult | null)[]> => {
    const column = <V>(pick: (m: NewMessage) => V) => inputs.map(pick);
    const rows = await db.query(APPEND_BATCH_SQL, [
      column((m) => m.conversationId),
      column(() => newId()),
      column((m) => m.clientId),
      column((m) => m.author),
      column((m) => m.authorId),
      column((m) => m.authorName),
      column((m) => m.text),
      column((m) => m.internal),
      column((m) => m.author === 'agent' && !m.internal),
      column((m) => m.requireOpen ?? false),
      column((m) => m.visitorId ?? null),
      column((m) => m.requireAgentId ?? null),
    ]);
    const results: (AppendResult | null)[] = inputs.map(() => null);
    for (const row of rows) {
      const i = Number(row.ord) - 1;
      results[i] = toResult(inputs[i]!, row);
    }
    return results;
  };
  const batcher = new AppendBatcher<NewMessage, AppendResult | null>({
    writeBatch: appendBatch,
    writeOne: appendSingle,
    keys: clientIdScopes,
    maxBatch: options.maxBatch ?? 200,
  });
  return {
    /**
     * Null when the conversation does not exist (or is closed and `requireOpen`). Resolves only after the
     * commit. Concurrent calls are group-committed (see AppendBatcher): one statement per batch.
     */
    append(input: NewMessage): Promise<AppendResult | null> {
      return batcher.submit(input);
    },
    /** Group-commit counters: statements run, messages in them, largest batch, batches that fell back. */
    batchStats: batcher.stats,
    /** The same, without batching (one statement for this message alone). */
    appendUnbatched: appendSingle,
    /**
     * A message with attachments (`input.attachmentIds`, the sender's own unbound uploads), in one
     * transaction of its own: the text-only path keeps its batched statements. `'unbound'` when an
     * attachment is not the sender's, is used already or gone (nothing was stored).
     */
    async appendWithAttachments(input: NewMessage): Promise<AppendResult | null | 'unbound'> {
      const ids = input.attachmentIds ?? [];
      for (let attempt = 0; ; attempt++) {
        try {
          return await appendWithFilesOnce(input, ids);
        } catch (error) {
          if (error instanceof UnboundAttachments) return 'unbound';
          // Two racing repeats of one clientId: the loser finds the winner's message on its second try.
          if (attempt > 0 || !isUniqueViolation(error)) throw error;
        }
      }
    },
    /** The message this visitor already sent with `clientId` (in any of their conversations), if any. */
    async visitorRepeat(visitorId: string, clientId: string): Promise<Message | null> {
      const rows = await db.query(VISITOR_REPEAT_SQL, [visitorId, clientId]);
      if (!rows[0]) return null;
      const message = toMessage(rows[0]);
      // A rare path (a repeat before the conversation is known): look for attachments without a flag.
      message.attachments = (await attachmentsOf(db, [message.id])).get(message.id) ?? [];
      return message;
    },
    async list(conversationId: string, opts: { after?: number; includeInternal: boolean; limit?: number }) {
      const rows = await db.query(
        `select * from messages where conversation_id = $1 and seq > $2 and ($3 or not internal)
         order by seq limit $4`,
        [conversationId, opts.after ?? 0, opts.includeInternal, opts.limit ?? 10_000],
      );
      return withAttachments(db, rows, rows.map(toMessage));
    },
    async count(): Promise<number> {
      const rows = await db.query<{ n: number }>('select count(*)::int as n from messages');
      return Number(rows[0]?.n ?? 0);
    },
  };
}
