import type { ChatMessage, Summary } from './types.js';

/** What a list shows of a message: its text, or the names of its files when it has no text. */
export function previewOf(message: Pick<ChatMessage, 'text' | 'attachments'>): string {
  if (message.text || message.attachments.length === 0) return message.text;
  return `📎 ${message.attachments.map((a) => a.name).join(', ')}`;
}

/** What the inbox row of a conversation shows, computed from its messages. Pure; tested in reducers.test.ts. */

export function summarize(messages: readonly ChatMessage[], previous?: Summary): Summary {
  let waitingSince: string | null = null;
  let last: ChatMessage | undefined;
  let seq = 0;
  for (const m of messages) {
    seq = Math.max(seq, m.seq);
    if (m.internal) continue;
    if (m.author === 'visitor') {
      waitingSince ??= m.createdAt;
      last = m;
    } else if (m.author === 'agent') {
      waitingSince = null;
      last = m;
    } else if (!last) last = m;
  }
  return {
    preview: last ? previewOf(last) : (previous?.preview ?? null),
    previewAuthor: last?.author ?? previous?.previewAuthor ?? null,
    previewAuthorName: last ? last.authorName : (previous?.previewAuthorName ?? null),
    lastAt: last?.createdAt ?? previous?.lastAt ?? null,
    waitingSince,
    unread: previous?.unread ?? 0,
    fresh: previous?.fresh ?? false,
    seq,
  };
}

/**
 * The summary of a loaded list of messages, unless the one we have already reflects later messages: a
 * response that left the server before the latest `message:new` events must not roll the preview back.
 */
export function summaryFromLoaded(messages: readonly ChatMessage[], current: Summary | undefined): Summary {
  const loaded = summarize(messages, current);
  return current && current.seq > loaded.seq ? current : loaded;
}
