import { useState } from 'preact/hooks';
import type { Handover } from '../../state/inbox-order.js';
import { Icon } from '../Icon.js';

/** Handovers the agent has read and put away, by conversation and transfer time (for this page's life). */
const dismissedHandovers = new Set<string>();

/** "Transferred to you by Ana — her note", at the top of a conversation someone handed to me. */
export function HandoverBanner({ conversationId, handover }: { conversationId: string; handover: Handover }) {
  const key = `${conversationId}@${handover.at}`;
  const [, rerender] = useState(0);
  if (dismissedHandovers.has(key)) return null;
  return (
    <section class="handover" aria-label="Transfer note" data-testid="handover">
      <Icon name="transfer" size={16} />
      <div class="handover-text">
        <strong>Transferred to you by {handover.by}</strong>
        {handover.note ? <p>{handover.note}</p> : <p class="muted">No note was left.</p>}
      </div>
      <button
        type="button"
        class="btn btn-ghost btn-sm"
        onClick={() => {
          dismissedHandovers.add(key);
          rerender((n) => n + 1);
        }}
      >
        Got it
      </button>
    </section>
  );
}
