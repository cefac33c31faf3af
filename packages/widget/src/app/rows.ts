import type { Attachment, Author, Message } from '@parley/protocol';
import type { OutboxAttachment, OutboxItem } from '../transport/outbox';

/** One line of the message list: a stored message or an outbox item still on its way. */
export type Row = {
  key: string;
  author: Author;
  authorName: string | null;
  text: string;
  createdAt: string;
  state: 'sent' | 'sending' | 'failed';
  clientId: string | null;
  /** Stored files, or an outgoing message's files (with an id once uploaded). */
  files: readonly (Attachment | OutboxAttachment)[];
  /** First of a run of messages by the same author. */
  first: boolean;
  /** Last of a run of messages by the same author. */
  last: boolean;
};

export function buildRows(messages: readonly Message[], outbox: readonly OutboxItem[]): Row[] {
  const stored = new Set(messages.map((m) => m.clientId));
  const rows: Omit<Row, 'first' | 'last'>[] = [
    ...messages.map((m) => ({
      key: m.id,
      author: m.author,
      authorName: m.authorName,
      text: m.text,
      createdAt: m.createdAt,
      state: 'sent' as const,
      clientId: m.clientId,
      files: m.attachments,
    })),
    ...outbox
      .filter((i) => !stored.has(i.clientId))
      .map((i) => ({
        key: i.clientId,
        author: 'visitor' as const,
        authorName: null,
        text: i.text,
        createdAt: i.createdAt,
        state: i.state,
        clientId: i.clientId,
        files: i.attachments ?? [],
      })),
  ];
  const sameRun = (a?: Omit<Row, 'first' | 'last'>, b?: Omit<Row, 'first' | 'last'>) =>
    !!a && !!b && a.author === b.author && a.authorName === b.authorName && a.author !== 'system';
  return rows.map((r, i) => ({ ...r, first: !sameRun(rows[i - 1], r), last: !sameRun(r, rows[i + 1]) }));
}
