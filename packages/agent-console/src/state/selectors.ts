import type { Conversation } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import { keepOrder, rankByWait, sortByOrder, waitingForMe } from './inbox-order.js';
import { EMPTY_SUMMARY, type State, type Summary, type Tab } from './types.js';

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
