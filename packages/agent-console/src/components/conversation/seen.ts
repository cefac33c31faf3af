import type { Conversation } from '@parley/protocol';
import type { ChatMessage } from '../../state/index.js';

/**
 * The reply that carries the "Seen" receipt: the last agent message the visitor can see (not an internal
 * note, acknowledged by the server), when the visitor has seen it (`visitorSeenSeq` reached its seq).
 * Returns its id and when the visitor saw up to there; null when there is none or it is not seen yet.
 */
export function seenReply(
  messages: readonly ChatMessage[],
  conversation: Pick<Conversation, 'visitorSeenSeq' | 'visitorSeenAt'>,
): { id: string; at: string | null } | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.author !== 'agent' || m.internal) continue;
    if (m.delivery === 'sending' || m.delivery === 'failed' || !m.seq) return null;
    return (conversation.visitorSeenSeq ?? 0) >= m.seq ? { id: m.id, at: conversation.visitorSeenAt ?? null } : null;
  }
  return null;
}
