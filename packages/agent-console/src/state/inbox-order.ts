import type { Conversation, Message } from '@parley/protocol';

/**
 * Pure rules of the inbox: the order rows are shown in, which chats wait for the agent, where Alt+↓ / Alt+↑
 * go, and who handed a transferred chat over. No state, no DOM: unit-tested in inbox-order.test.ts.
 */

/** Since when a conversation waits for a reply (the first unanswered visitor message), or null. */
export type WaitingSince = (conversation: Conversation) => string | null;

/** Longest waiting first; conversations nobody waits on after them, the most recently active first. */
export function rankByWait(list: readonly Conversation[], waitingSince: WaitingSince): Conversation[] {
  const key = (c: Conversation) => {
    const w = waitingSince(c);
    return w ? Date.parse(w) : Number.POSITIVE_INFINITY;
  };
  return list.slice().sort((a, b) => {
    const wa = key(a);
    const wb = key(b);
    if (wa !== wb) return wa - wb;
    return Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  });
}

/**
 * The order to show `ranked` in while the agent looks at the list: rows already shown keep their places
 * (a reply, a new visitor message or a status change never moves a row under the agent's cursor), rows
 * that left the list are dropped, and new rows join at the end in `ranked` order.
 */
export function keepOrder(shown: readonly string[], ranked: readonly string[]): string[] {
  const present = new Set(ranked);
  const kept = shown.filter((id) => present.has(id));
  const known = new Set(kept);
  return [...kept, ...ranked.filter((id) => !known.has(id))];
}

/** `list` sorted by the positions of its ids in `order`; ids missing from `order` go last, in list order. */
export function sortByOrder<T extends { id: string }>(list: readonly T[], order: readonly string[]): T[] {
  const position = new Map(order.map((id, i) => [id, i]));
  const at = (item: T) => position.get(item.id) ?? Number.MAX_SAFE_INTEGER;
  return list.slice().sort((a, b) => at(a) - at(b));
}

/**
 * The chats that wait for this agent, in the order Alt+↓ visits them:
 *  1. their own assigned chats whose visitor's last message is unanswered, the longest waiting first;
 *  2. then, when they have room for one more chat, the queued ones they may accept, the oldest first.
 */
export function waitingForMe(
  conversations: readonly Conversation[],
  me: { id: string; maxChats: number },
  waitingSince: WaitingSince,
): string[] {
  const open = conversations.filter((c) => c.status !== 'closed');
  const mine = open.filter((c) => c.status === 'assigned' && c.agentId === me.id);
  const answering = rankByWait(
    mine.filter((c) => waitingSince(c) !== null),
    waitingSince,
  );
  const room = mine.length < me.maxChats;
  const queued = room
    ? rankByWait(
        open.filter((c) => c.status === 'queued'),
        (c) => waitingSince(c) ?? c.createdAt,
      )
    : [];
  return [...answering, ...queued].map((c) => c.id);
}

/**
 * Where Alt+↓ (`1`) or Alt+↑ (`-1`) goes from `current` through `waiting` (see waitingForMe): the next or
 * previous waiting chat; from a chat that does not wait (just answered, or none open), Alt+↓ goes to the
 * first waiting chat and Alt+↑ to the last. At either end it stays put (null: nothing to open).
 */
export function stepWaiting(waiting: readonly string[], current: string | null, direction: 1 | -1): string | null {
  if (waiting.length === 0) return null;
  const i = current === null ? -1 : waiting.indexOf(current);
  if (i < 0) return direction === 1 ? waiting[0]! : waiting[waiting.length - 1]!;
  return waiting[i + direction] ?? null;
}

/** Who handed a conversation to this agent, and the note they left. */
export type Handover = { by: string; note: string | null; at: string };

/**
 * The handover behind a conversation transferred to `myName`, read from the internal system line the server
 * writes on a transfer ("Transferred by Ana to Ben: note"). Only the latest transfer counts: a chat moved on
 * again since (to the queue, to someone else) has no handover for me.
 */
export function handoverTo(messages: readonly Message[], myName: string): Handover | null {
  const PREFIX = 'Transferred by ';
  let last: Message | undefined;
  for (const m of messages) if (m.author === 'system' && m.internal && m.text.startsWith(PREFIX)) last = m;
  if (!last) return null;
  const rest = last.text.slice(PREFIX.length);
  const marker = ` to ${myName}`;
  // The target's name ends the line or is followed by ": note"; the sender's name may itself contain " to ".
  let at = rest.indexOf(marker);
  while (at >= 0) {
    const after = rest.slice(at + marker.length);
    if (after === '' || after.startsWith(': '))
      return { by: rest.slice(0, at), note: after ? after.slice(2) : null, at: last.createdAt };
    at = rest.indexOf(marker, at + 1);
  }
  return null;
}
