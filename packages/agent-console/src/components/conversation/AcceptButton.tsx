import { useEffect, useRef } from 'preact/hooks';
import { acceptConversation } from '../../state/index.js';
import { Icon } from '../Icon.js';

/** Accept, focused when a queued chat opens (the composer takes focus on the agent's own chats). */
export function AcceptButton({ conversationId }: { conversationId: string }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), [conversationId]);
  return (
    <button type="button" class="btn btn-primary" ref={ref} onClick={() => void acceptConversation(conversationId)}>
      <Icon name="check" size={16} /> Accept
    </button>
  );
}
