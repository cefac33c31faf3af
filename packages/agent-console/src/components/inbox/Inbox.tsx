import { listFor, useAppState } from '../../state/index.js';
import { ConversationView } from '../conversation/ConversationView.js';
import { Icon } from '../Icon.js';
import { VisitorPanel } from '../Visitor.js';
import { ConversationList } from './ConversationList.js';
import { DetailsSlot } from './DetailsSlot.js';
import { useTick } from './use-tick.js';

export function Inbox() {
  const s = useAppState();
  useTick();
  const active = s.activeId ? s.items[s.activeId] : undefined;
  return (
    <div class={`inbox${active ? ' has-active' : ''}`}>
      <ConversationList s={s} />
      {active ? (
        <>
          <ConversationView s={s} conversation={active} />
          <DetailsSlot open={s.detailsOpen}>
            <VisitorPanel s={s} conversation={active} />
          </DetailsSlot>
        </>
      ) : (
        <div class="empty conversation-empty">
          <Icon name="inbox" size={40} />
          <h2>{listFor('mine', s).length ? 'Pick a conversation' : 'You’re all caught up'}</h2>
          <p class="muted">
            {s.status === 'away'
              ? 'You are away: new conversations go to your teammates.'
              : 'New conversations are assigned to you automatically.'}
          </p>
          <p class="muted small">
            Press <kbd>?</kbd> for keyboard shortcuts.
          </p>
        </div>
      )}
    </div>
  );
}
