import type { Attachment, Author, Conversation } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import { linkExpiry } from '../attachments.js';
import { keepOrder, rankByWait, sortByOrder, waitingForMe } from './inbox-order.js';
import { EMPTY_SUMMARY, type State, type Summary, type Tab, type Upload } from './types.js';

/** Pure reads of the state: what the views list and count. Unit-tested in selectors.test.ts. */

/** How many conversations are assigned to me. */
export function myLoad(s: State): number {
  if (!s.me) return 0;
  let n = 0;
  for (const c of Object.values(s.items)) if (c.status === 'assigned' && c.agentId === s.me.id) n++;
  return n;
}

export function summaryOf(id: string, s: State): Summary {
  return s.summaries[id] ?? EMPTY_SUMMARY;
}

/** Since when the visitor has waited for a reply; a queued conversation waits from its start. */
const waitingSinceIn = (s: State) => (c: Conversation) =>
  s.summaries[c.id]?.waitingSince ?? (c.status === 'queued' ? c.createdAt : null);

/** A tab's conversations in their fresh ranking: the longest waiting first; Closed, the newest first. */
export function rankedFor(tab: Tab, s: State): Conversation[] {
  const me = s.me;
  if (!me) return [];
  const all = Object.values(s.items);
  let list: Conversation[];
  if (tab === 'queue') list = all.filter((c) => c.status === 'queued');
  else if (tab === 'mine') list = all.filter((c) => c.status === 'assigned' && c.agentId === me.id);
  else if (tab === 'all') list = all.filter((c) => c.status !== 'closed');
  else
    list = all.filter((c) => c.status === 'closed' && (isSupervisor(me) || c.agentId === me.id || c.agentId === null));
  if (tab === 'closed')
    return list.sort((a, b) => Date.parse(b.closedAt ?? b.updatedAt) - Date.parse(a.closedAt ?? a.updatedAt));
  return rankByWait(list, waitingSinceIn(s));
}

/**
 * Conversations of a tab. The open tab keeps the order its rows were shown in (State.shownOrder); any other
 * tab, and new rows, the longest waiting first (then the most recently active). Closed: newest first.
 */
export function listFor(tab: Tab, s: State): Conversation[] {
  const ranked = rankedFor(tab, s);
  return tab === s.tab && tab !== 'closed' ? sortByOrder(ranked, s.shownOrder) : ranked;
}

/**
 * State.shownOrder after a change: the open tab's rows follow what changed while keeping their places
 * (inbox-order.ts keepOrder); another tab starts from its fresh ranking. The store's derive step.
 */
export function deriveShownOrder(next: State, previous: State): Partial<State> {
  if (
    next.items === previous.items &&
    next.summaries === previous.summaries &&
    next.tab === previous.tab &&
    next.me === previous.me &&
    next.shownOrder === previous.shownOrder
  )
    return {};
  if (next.tab === 'closed') return { shownOrder: [] };
  const shown = next.tab === previous.tab ? next.shownOrder : [];
  return {
    shownOrder: keepOrder(
      shown,
      rankedFor(next.tab, next).map((c) => c.id),
    ),
  };
}

/** The conversations that wait for me, in the order Alt+↓ visits them (inbox-order.ts waitingForMe). */
export function waitingIds(s: State): string[] {
  if (!s.me) return [];
  return waitingForMe(Object.values(s.items), s.me, (c) => s.summaries[c.id]?.waitingSince ?? null);
}

/** The tab that lists a conversation: the open one when it does, else the first that does. */
export function tabShowing(c: Conversation, s: State): Tab {
  const lists = (tab: Tab) => rankedFor(tab, s).some((x) => x.id === c.id);
  if (lists(s.tab)) return s.tab;
  return (['mine', 'queue', 'all', 'closed'] as const).find(lists) ?? s.tab;
}

export function unreadIn(tab: Tab, s: State): number {
  return listFor(tab, s).reduce((n, c) => n + (s.summaries[c.id]?.unread ?? 0), 0);
}

/** The count in the tab title: unread messages (or a fresh assignment) in my chats, and the queue's when online. */
export function titleCount(s: State): number {
  if (!s.me) return 0;
  let count = 0;
  for (const c of Object.values(s.items)) {
    if (c.status === 'closed') continue;
    const sum = s.summaries[c.id];
    if (!sum) continue;
    if (c.agentId === s.me.id || (c.status === 'queued' && s.status === 'online'))
      count += sum.unread + (sum.fresh && sum.unread === 0 ? 1 : 0);
  }
  return count;
}

/** The files in a conversation's composer, and whether a message can go with them now. */
export type ComposerFiles = {
  uploads: Upload[];
  /** The stored files, in the order they were picked. */
  attachments: Attachment[];
  uploading: number;
  failed: number;
  /** Nothing still uploading or failed: the message may be sent (with `attachments`). */
  ready: boolean;
};

export function composerFiles(conversationId: string, s: State): ComposerFiles {
  const uploads = s.uploads.filter((u) => u.conversationId === conversationId);
  const attachments: Attachment[] = [];
  let uploading = 0;
  let failed = 0;
  for (const u of uploads) {
    if (u.attachment) attachments.push(u.attachment);
    if (u.status === 'uploading') uploading++;
    if (u.status === 'failed') failed++;
  }
  return { uploads, attachments, uploading, failed, ready: uploading === 0 && failed === 0 };
}

/** A file of a conversation, with the message it came with. */
export type SharedFile = {
  attachment: Attachment;
  messageId: string;
  author: Author;
  authorName: string | null;
  internal: boolean;
  createdAt: string;
};

/**
 * Every file of a conversation's loaded messages, oldest first, each once (a message being sent shares its
 * files with the stored copy that replaces it). Files of internal notes are marked: the visitor never sees them.
 */
export function conversationFiles(conversationId: string, s: State): SharedFile[] {
  const seen = new Set<string>();
  const files: SharedFile[] = [];
  for (const m of s.messages[conversationId] ?? []) {
    for (const attachment of m.attachments) {
      if (seen.has(attachment.id)) continue;
      seen.add(attachment.id);
      files.push({
        attachment,
        messageId: m.id,
        author: m.author,
        authorName: m.authorName,
        internal: m.internal,
        createdAt: m.createdAt,
      });
    }
  }
  return files;
}

/** When the first signed file link of a conversation's loaded messages expires (ms), or null: none does. */
export function fileLinksExpireAt(conversationId: string, s: State): number | null {
  let first: number | null = null;
  for (const m of s.messages[conversationId] ?? [])
    for (const a of m.attachments)
      for (const at of [linkExpiry(a.url), linkExpiry(a.thumbnailUrl)])
        if (at !== null && (first === null || at < first)) first = at;
  return first;
}
