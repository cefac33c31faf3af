import type { AgentStatus, Attachment, Conversation, Message } from '@parley/protocol';
import { previewOf, summaryFromLoaded } from './summaries.js';
import { type ChatMessage, EMPTY_SUMMARY, type State, type Summary, type Toast, type Upload } from './types.js';

/**
 * Pure state changes: each takes the state and what happened, and returns the fields that change
 * (`store.set((s) => reducer(s, …))`). No I/O, no DOM, no clock: unit-tested in reducers.test.ts.
 */

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** A message from the server (`message:new`, or an ack): placed by seq, replacing its optimistic copy. */
export function messageReceived(s: State, message: Message, pageVisible: boolean): Partial<State> {
  const id = message.conversationId;
  const existing = s.messages[id];
  let messages = existing;
  if (existing) {
    const byId = existing.findIndex((m) => m.id === message.id);
    const byClient =
      message.clientId !== null ? existing.findIndex((m) => m.clientId === message.clientId && m.delivery) : -1;
    const next = existing.slice();
    if (byId >= 0) next[byId] = { ...message, delivery: existing[byId]?.delivery ? 'sent' : undefined };
    else if (byClient >= 0) next[byClient] = { ...message, delivery: 'sent' };
    else next.push(message);
    next.sort((a, b) => a.seq - b.seq);
    messages = next;
  }
  const sum = s.summaries[id] ?? EMPTY_SUMMARY;
  const updated: Summary = { ...sum, seq: Math.max(sum.seq, message.seq) };
  // System events ("Ana joined…") only stand in when there is no real message to preview.
  if (!message.internal && (message.author !== 'system' || !sum.preview)) {
    updated.preview = previewOf(message);
    updated.previewAuthor = message.author;
    updated.previewAuthorName = message.authorName;
    updated.lastAt = message.createdAt;
    if (message.author === 'visitor') updated.waitingSince ??= message.createdAt;
    if (message.author === 'agent') updated.waitingSince = null;
  }
  const viewing = s.activeId === id && pageVisible;
  if (message.author === 'visitor' && !viewing) updated.unread = sum.unread + 1;
  const typing = message.author === 'visitor' ? omit(s.typing, id) : s.typing;
  return {
    messages: messages ? { ...s.messages, [id]: messages } : s.messages,
    summaries: { ...s.summaries, [id]: updated },
    typing,
  };
}

/** A conversation's new state: merged into the list and the details; a closed one waits for nobody. */
export function conversationChanged(s: State, conversation: Conversation): Partial<State> {
  const before = s.items[conversation.id];
  const next: Partial<State> = { items: { ...s.items, [conversation.id]: { ...before, ...conversation } } };
  const detail = s.details[conversation.id];
  if (detail) next.details = { ...s.details, [conversation.id]: { ...detail, conversation } };
  const sum = s.summaries[conversation.id];
  if (conversation.status === 'closed' && sum)
    next.summaries = { ...s.summaries, [conversation.id]: { ...sum, waitingSince: null, fresh: false } };
  return next;
}

/** `conversation:join` answered: its messages (keeping my unsent ones), and it is read. */
export function conversationJoined(s: State, conversation: Conversation, messages: readonly Message[]): Partial<State> {
  const id = conversation.id;
  const pending = (s.messages[id] ?? []).filter(
    (m) => m.delivery && m.delivery !== 'sent' && !messages.some((r) => r.clientId === m.clientId),
  );
  return {
    messages: { ...s.messages, [id]: [...messages, ...pending] },
    items: { ...s.items, [id]: conversation },
    summaries: {
      ...s.summaries,
      [id]: { ...summaryFromLoaded(messages, s.summaries[id]), unread: 0, fresh: false },
    },
  };
}

/** The agent opens a conversation (or none): dialogs close, the composer replies, the chat is read. */
export function conversationOpened(s: State, id: string | null): Partial<State> {
  const sum = id ? s.summaries[id] : undefined;
  return {
    activeId: id,
    transferOpen: false,
    detailsOpen: false,
    composerMode: 'reply',
    summaries: id && sum ? { ...s.summaries, [id]: { ...sum, unread: 0, fresh: false } } : s.summaries,
  };
}

/** A conversation's messages loaded for its inbox row. */
export function summaryLoaded(s: State, id: string, messages: readonly Message[]): Partial<State> {
  return { summaries: { ...s.summaries, [id]: summaryFromLoaded(messages, s.summaries[id]) } };
}

export function summaryPatched(s: State, id: string, patch: Partial<Summary>): Partial<State> {
  const current = s.summaries[id] ?? EMPTY_SUMMARY;
  return { summaries: { ...s.summaries, [id]: { ...current, ...patch } } };
}

/** The first page of closed conversations and every open one: the inbox as the server has it now. */
export function inboxLoaded(
  open: readonly Conversation[],
  closed: readonly Conversation[],
  closedCursor: string | null,
): Partial<State> {
  const items: Record<string, Conversation> = {};
  for (const c of [...closed, ...open]) items[c.id] = c;
  return { items, closedCursor };
}

/** The next page of older closed conversations. */
export function olderClosedLoaded(
  s: State,
  conversations: readonly Conversation[],
  nextCursor: string | null,
): Partial<State> {
  const items = { ...s.items };
  // A conversation already known is kept as it is: it may have changed since this page was read.
  for (const c of conversations) items[c.id] ??= c;
  return { items, closedCursor: nextCursor };
}

export function typingChanged(
  s: State,
  event: { conversationId: string; typing: boolean; preview?: string | undefined },
  now: number,
): Partial<State> {
  return {
    typing: event.typing
      ? { ...s.typing, [event.conversationId]: { preview: event.preview ?? null, at: now } }
      : omit(s.typing, event.conversationId),
  };
}

/** Typing previews expire when the visitor goes quiet without a "stopped" event. Nothing stale: no change. */
export function typingExpired(s: State, now: number, maxAgeMs = 8000): Partial<State> {
  const stale = Object.keys(s.typing).filter((id) => now - (s.typing[id]?.at ?? now) > maxAgeMs);
  return stale.length ? { typing: stale.reduce((acc, id) => omit(acc, id), s.typing) } : {};
}

export function presenceChanged(s: State, agentId: string, status: AgentStatus | 'offline'): Partial<State> {
  return {
    agents: s.agents.map((a) => (a.id === agentId ? { ...a, status } : a)),
    ...(agentId === s.me?.id && status !== 'offline' ? { status } : {}),
  };
}

/** My message, shown at once as "sending" (replacing an earlier failed try with the same clientId). */
export function messageSending(s: State, optimistic: ChatMessage): Partial<State> {
  const id = optimistic.conversationId;
  const list = (s.messages[id] ?? []).filter((m) => m.clientId !== optimistic.clientId);
  return { messages: { ...s.messages, [id]: [...list, optimistic] } };
}

/** The server stored my message (already placed by messageReceived): the optimistic copy goes. */
export function messageSent(s: State, optimistic: ChatMessage): Partial<State> {
  const id = optimistic.conversationId;
  return {
    messages: {
      ...s.messages,
      [id]: (s.messages[id] ?? [])
        .filter((m) => m.id !== optimistic.id)
        .map((m) => (m.clientId === optimistic.clientId ? { ...m, delivery: 'sent' as const } : m)),
    },
  };
}

export function messageFailed(s: State, optimistic: ChatMessage): Partial<State> {
  const id = optimistic.conversationId;
  return {
    messages: {
      ...s.messages,
      [id]: (s.messages[id] ?? []).map((m) => (m.id === optimistic.id ? { ...m, delivery: 'failed' as const } : m)),
    },
  };
}

export function toastAdded(s: State, toast: Toast): Partial<State> {
  return { toasts: [...s.toasts, toast] };
}

export function toastDismissed(s: State, id: number): Partial<State> {
  return { toasts: s.toasts.filter((t) => t.id !== id) };
}

/** Freshly signed file links: each loaded message with files takes its stored copy's; nothing else changes. */
export function fileLinksRenewed(s: State, conversationId: string, stored: readonly Message[]): Partial<State> {
  const list = s.messages[conversationId];
  if (!list) return {};
  const fresh = new Map(stored.map((m) => [m.id, m.attachments]));
  return {
    messages: {
      ...s.messages,
      [conversationId]: list.map((m) => {
        const attachments = fresh.get(m.id);
        return attachments && m.attachments.length > 0 ? { ...m, attachments } : m;
      }),
    },
  };
}

// ---- files attached in the composer ----

function patchUpload(s: State, key: string, patch: Partial<Upload>): Partial<State> {
  if (!s.uploads.some((u) => u.key === key)) return {};
  return { uploads: s.uploads.map((u) => (u.key === key ? { ...u, ...patch } : u)) };
}

/** A file picked, pasted or dropped: it starts uploading at once. */
export function uploadAdded(
  s: State,
  file: { key: string; conversationId: string; name: string; size: number },
): Partial<State> {
  const upload: Upload = { ...file, preview: null, status: 'uploading', progress: 0, attachment: null, error: null };
  return { uploads: [...s.uploads, upload] };
}

export function uploadPreviewed(s: State, key: string, preview: string): Partial<State> {
  return patchUpload(s, key, { preview });
}

/** Progress only grows while a try lasts (a late event of an earlier try must not move it back). */
export function uploadProgressed(s: State, key: string, progress: number): Partial<State> {
  const upload = s.uploads.find((u) => u.key === key);
  if (upload?.status !== 'uploading' || progress <= upload.progress) return {};
  return patchUpload(s, key, { progress: Math.min(1, progress) });
}

export function uploadFinished(s: State, key: string, attachment: Attachment): Partial<State> {
  return patchUpload(s, key, { status: 'done', progress: 1, attachment, error: null });
}

export function uploadFailed(s: State, key: string, error: string): Partial<State> {
  return patchUpload(s, key, { status: 'failed', error });
}

/** A failed file tried again: from the start. */
export function uploadRestarted(s: State, key: string): Partial<State> {
  return patchUpload(s, key, { status: 'uploading', progress: 0, error: null });
}

/** Cancelled or removed (×), or sent with its message. */
export function uploadsRemoved(s: State, keys: readonly string[]): Partial<State> {
  const uploads = s.uploads.filter((u) => !keys.includes(u.key));
  return uploads.length === s.uploads.length ? {} : { uploads };
}
