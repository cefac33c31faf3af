import { clockTime, dayLabel } from '../../format.js';
import { type ChatMessage, retryMessage } from '../../state/index.js';
import { Icon } from '../Icon.js';

/** `seenAt`: the visitor has seen this reply, at that time ('' if unknown). */
export function DeliveryState({ m, seenAt }: { m: ChatMessage; seenAt?: string | undefined }) {
  if (m.delivery === 'sending')
    return (
      <span class="delivery sending" data-delivery="sending">
        <Icon name="clock" size={11} /> Sending
      </span>
    );
  if (m.delivery === 'failed')
    return (
      <span class="delivery failed" data-delivery="failed">
        <Icon name="alert" size={11} /> Not sent ·{' '}
        <button type="button" class="linklike" onClick={() => retryMessage(m)}>
          Retry
        </button>
      </span>
    );
  // still `sent` (delivered to the server), and more: the visitor has seen it
  if (seenAt !== undefined)
    return (
      <span
        class="delivery seen"
        data-delivery="sent"
        data-seen=""
        title={seenAt ? `Seen by the visitor · ${dayLabel(seenAt)} ${clockTime(seenAt)}` : 'Seen by the visitor'}
      >
        <Icon name="check" size={11} /> Seen
      </span>
    );
  return (
    <span
      class="delivery sent"
      data-delivery="sent"
      title={m.internal ? 'Saved — visible to agents only' : 'Delivered to the server'}
    >
      <Icon name="check" size={11} /> {m.internal ? 'Saved' : 'Sent'}
    </span>
  );
}
