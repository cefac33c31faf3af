import { dismissToast, type State } from '../state/index.js';
import { Icon } from './Icon.js';

/**
 * Short notices, announced politely to screen readers, each dismissible. Where they sit is the caller's
 * choice and the reason this is a component: with a conversation open they stand above its composer, over the
 * end of the thread (conversation/ConversationView.tsx), so they never cover the composer, the send button or
 * a header control; elsewhere in the bottom corner of the page.
 */
export function Toasts({ s }: { s: State }) {
  return (
    <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
      {s.toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          <span>{t.text}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
