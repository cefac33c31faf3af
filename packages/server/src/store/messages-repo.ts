import type { Author, Message } from '@parley/protocol';
import { newId } from '../domain/ids.js';
import { toMessage } from './rows.js';
import type { SqlDatabase, SqlExecutor } from './sql.js';

export type NewMessage = {
  conversationId: string;
  clientId: string | null;
  author: Author;
  authorId: string | null;
  authorName: string | null;
  text: string;
  internal: boolean;
};

export type AppendResult = { message: Message; created: boolean };

/**
 * Appends a message in one transaction: lock the conversation row, return the earlier message for a
 * repeated clientId, otherwise take the next seq (gap-free: the counter moves only when the insert
 * commits) and insert. Exactly-once in the store whatever the client retries.
 */
export async function appendMessageTx(tx: SqlExecutor, input: NewMessage): Promise<AppendResult | null> {
  const locked = await tx.query('select id from conversations where id = $1 for update', [input.conversationId]);
  if (locked.length === 0) return null;
  if (input.clientId) {
    const existing = await tx.query('select * from messages where conversation_id = $1 and client_id = $2', [
      input.conversationId,
      input.clientId,
    ]);
    if (existing[0]) return { message: toMessage(existing[0]), created: false };
  }
  const firstResponse = input.author === 'agent' && !input.internal;
  const counter = await tx.query<{ last_seq: number }>(
    `update conversations set last_seq = last_seq + 1, updated_at = now(),
       first_response_at = case when $2 and first_response_at is null then now() else first_response_at end
     where id = $1 returning last_seq`,
    [input.conversationId, firstResponse],
  );
  const rows = await tx.query(
    `insert into messages (id, conversation_id, seq, client_id, author, author_id, author_name, text, internal)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
    [
      newId(),
      input.conversationId,
      Number(counter[0]!.last_seq),
      input.clientId,
      input.author,
      input.authorId,
      input.authorName,
      input.text,
      input.internal,
    ],
  );
  return { message: toMessage(rows[0]!), created: true };
}

export function messagesRepo(db: SqlDatabase) {
  return {
    append(input: NewMessage): Promise<AppendResult | null> {
      return db.transaction((tx) => appendMessageTx(tx, input));
    },
    async list(conversationId: string, opts: { after?: number; includeInternal: boolean; limit?: number }) {
      const rows = await db.query(
        `select * from messages where conversation_id = $1 and seq > $2 and ($3 or not internal)
         order by seq limit $4`,
        [conversationId, opts.after ?? 0, opts.includeInternal, opts.limit ?? 10_000],
      );
      return rows.map(toMessage);
    },
    /** A visitor's earlier message with this clientId in any of their conversations. */
    async visitorMessageByClientId(visitorId: string, clientId: string): Promise<Message | null> {
      const rows = await db.query(
        `select m.* from messages m join conversations c on c.id = m.conversation_id
         where c.visitor_id = $1 and m.client_id = $2 and m.author = 'visitor' limit 1`,
        [visitorId, clientId],
      );
      return rows[0] ? toMessage(rows[0]) : null;
    },
    async count(): Promise<number> {
      const rows = await db.query<{ n: number }>('select count(*)::int as n from messages');
      return Number(rows[0]?.n ?? 0);
    },
  };
}
