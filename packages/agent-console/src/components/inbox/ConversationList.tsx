import { useEffect, useRef } from 'preact/hooks';
import { canSupervise, listFor, type State, setState, type Tab, unreadIn, waitingIds } from '../../state/index.js';
import { ConversationRow } from './ConversationRow.js';
import { OlderClosed } from './OlderClosed.js';
import { WaitingHint } from './WaitingHint.js';

const TABS: { id: Tab; label: string }[] = [
  { id: 'queue', label: 'Queue' },
  { id: 'mine', label: 'Mine' },
  { id: 'all', label: 'All' },
  { id: 'closed', label: 'Closed' },
];

export function ConversationList({ s }: { s: State }) {
  const supervisor = canSupervise();
  const tabs = TABS.filter((t) => t.id !== 'all' || supervisor);
  const list = listFor(s.tab, s);
  const listRef = useRef<HTMLUListElement>(null);
  // Keep the open conversation's row in view (Alt+↓ may open one further down, or in another tab).
  useEffect(() => {
    if (!s.activeId) return;
    listRef.current
      ?.querySelector(`li[data-conversation="${CSS.escape(s.activeId)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [s.activeId, s.tab]);
  return (
    <section class="list-pane" aria-label="Conversations">
      <div class="list-head">
        <h1>Inbox</h1>
        <WaitingHint count={waitingIds(s).filter((id) => id !== s.activeId).length} />
      </div>
      <div class="tabs" role="tablist" aria-label="Conversation lists">
        {tabs.map((t) => {
          const count = t.id === 'closed' ? 0 : listFor(t.id, s).length;
          const unread = t.id === 'closed' ? 0 : unreadIn(t.id, s);
          return (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={s.tab === t.id}
              aria-controls="conversation-panel"
              class={`tab${s.tab === t.id ? ' active' : ''}`}
              onClick={() => setState({ tab: t.id })}
            >
              {t.label}
              {t.id !== 'closed' && <span class={`count${unread ? ' unread' : ''}`}>{count}</span>}
            </button>
          );
        })}
      </div>
      {/* The tabpanel wraps the list: a role on the <ul> itself would take its list semantics away. */}
      <div id="conversation-panel" class="conv-list-panel" role="tabpanel" aria-labelledby={`tab-${s.tab}`}>
        <ul
          id="conversation-list"
          class="conv-list"
          aria-label={`${tabs.find((t) => t.id === s.tab)?.label ?? ''} conversations`}
        >
          {list.length === 0 && (
            <li class="list-empty muted">
              {s.tab === 'queue'
                ? 'Nobody is waiting in the queue.'
                : s.tab === 'mine'
                  ? 'No open conversations assigned to you.'
                  : 'Nothing here yet.'}
            </li>
          )}
          {list.map((c) => (
            <ConversationRow key={c.id} c={c} s={s} />
          ))}
          {s.tab === 'closed' && s.closedCursor && <OlderClosed />}
        </ul>
      </div>
    </section>
  );
}
