import { type ChatMessage, retryMessage } from '../../state/index.js';
import { Icon } from '../Icon.js';

export function DeliveryState({ m }: { m: ChatMessage }) {
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
