import type { Conversation } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  acceptConversation,
  canSupervise,
  listFor,
  loadOlderClosed,
  openConversation,
  type State,
  type Summary,
  setState,
  summaryOf,
  type Tab,
  unreadIn,
  useAppState,
  waitingIds,
} from '../state/index.js';
import { since, visitorLabel } from '../util.js';
import { ConversationView } from './conversation/ConversationView.js';
import { Avatar, Icon } from './Icon.js';
import { VisitorPanel } from './Visitor.js';

/** Re-render every 20 s so waiting times stay fresh. */
function useTick(ms = 20_000) {
  const [, setN] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}

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

/**
 * Where the visitor details live: a third column on wide screens; below 1180 px a drawer over the
 * conversation, opened by the header's Details button (aria-controls="visitor-panel") and closed by its own
 * Close button or Escape, focus moving in and back out.
 */
function DetailsSlot({ open, children }: { open: boolean; children: ComponentChildren }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  return (
    <div id="visitor-panel" class={`visitor-slot${open ? ' open' : ''}`}>
      <button
        type="button"
        class="btn btn-ghost btn-sm visitor-close"
        ref={close}
        onClick={() => {
          setState({ detailsOpen: false });
          document.querySelector<HTMLButtonElement>('#details-toggle')?.focus();
        }}
      >
        <Icon name="close" size={14} /> Close details
      </button>
      {children}
    </div>
  );
}

/** How many other chats wait for me, and the key that opens the next one. */
function WaitingHint({ count }: { count: number }) {
  return (
    <p class="waiting-hint muted small" data-testid="waiting-hint">
      {count > 0 && (
        <>
          {count} waiting for you · <kbd>Alt</kbd>+<kbd>↓</kbd> next
        </>
      )}
    </p>
  );
}

const TABS: { id: Tab; label: string }[] = [
  { id: 'queue', label: 'Queue' },
  { id: 'mine', label: 'Mine' },
  { id: 'all', label: 'All' },
  { id: 'closed', label: 'Closed' },
];

function ConversationList({ s }: { s: State }) {
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

/** "You: " before my own last reply, "Ana: " before a colleague's (a chat handed over), nothing before a visitor's. */
function previewPrefix(sum: Summary, myName: string | undefined): string {
  if (sum.previewAuthor !== 'agent') return '';
  if (!sum.previewAuthorName || sum.previewAuthorName === myName) return 'You: ';
  return `${sum.previewAuthorName.split(' ')[0]}: `;
}

function ConversationRow({ c, s }: { c: Conversation; s: State }) {
  const sum = summaryOf(c.id, s);
  const active = s.activeId === c.id;
  const waiting = sum.waitingSince ?? (c.status === 'queued' ? c.createdAt : null);
  const typing = s.typing[c.id];
  const name = visitorLabel(c);
  const preview = typing
    ? 'typing…'
    : sum.preview
      ? `${previewPrefix(sum, s.me?.name)}${sum.preview}`
      : s.summaries[c.id] || c.lastSeq === 0
        ? 'No messages yet'
        : `${c.lastSeq} message${c.lastSeq === 1 ? '' : 's'}`;
  return (
    <li
      class={`conv-row${active ? ' active' : ''}${sum.unread || sum.fresh ? ' is-unread' : ''}`}
      data-conversation={c.id}
    >
      <button type="button" class="conv-main" aria-pressed={active} onClick={() => openConversation(c.id)}>
        <Avatar name={name} seed={c.visitorId} size={36} />
        <span class="conv-text">
          <span class="conv-top">
            <strong class="conv-name">{name}</strong>
            {waiting && c.status !== 'closed' ? (
              <span
                class={`wait${Date.now() - Date.parse(waiting) > 120_000 ? ' long' : ''}`}
                title="Waiting for a reply"
              >
                <Icon name="clock" size={12} /> {since(waiting)}
              </span>
            ) : (
              <span class="time muted">{since(sum.lastAt ?? c.updatedAt)}</span>
            )}
          </span>
          <span class={`conv-preview${typing ? ' typing' : ''}`}>{preview}</span>
          <span class="conv-meta">
            {c.status === 'queued' && <span class="pill pill-queued">Queued</span>}
            {c.status === 'assigned' && c.agentId !== s.me?.id && <span class="pill">{c.agentName ?? 'Assigned'}</span>}
            {c.status === 'closed' && (
              <span class="pill pill-closed">Closed{c.rating ? ` · ${'★'.repeat(c.rating)}` : ''}</span>
            )}
            {sum.fresh && !sum.unread && <span class="pill pill-new">New</span>}
          </span>
        </span>
        {sum.unread > 0 && (
          <span class="unread-badge">
            {sum.unread}
            <span class="sr-only"> unread</span>
          </span>
        )}
      </button>
      {c.status === 'queued' && (
        <button type="button" class="btn btn-primary btn-xs accept" onClick={() => void acceptConversation(c.id)}>
          Accept
        </button>
      )}
    </li>
  );
}

/** The end of the Closed tab while older closed conversations remain on the server. */
function OlderClosed() {
  const [busy, setBusy] = useState(false);
  const more = async () => {
    setBusy(true);
    await loadOlderClosed();
    setBusy(false);
  };
  return (
    <li class="list-more">
      <button type="button" class="btn btn-ghost btn-block" disabled={busy} onClick={() => void more()}>
        {busy ? 'Loading…' : 'Show older conversations'}
      </button>
    </li>
  );
}
