import type { Message } from '@parley/protocol';

/**
 * The visitor's view of one conversation's messages: deduplicated by id, ordered by seq,
 * internal notes dropped. Pure functions so they are easy to test.
 */

export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of current) byId.set(m.id, m);
  let changed = false;
  for (const m of incoming) {
    if (m.internal) continue;
    if (current.length && m.conversationId !== current[0]!.conversationId) continue;
    if (!byId.has(m.id)) changed = true;
    byId.set(m.id, m);
  }
  if (!changed && byId.size === current.length) return current as Message[];
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function lastSeq(messages: readonly Message[]): number {
  return messages.length ? messages[messages.length - 1]!.seq : 0;
}
