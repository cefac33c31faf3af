import type { Conversation } from '@parley/protocol';
import { since, visitorLabel } from '../../format.js';
import { acceptConversation, openConversation, type State, type Summary, summaryOf } from '../../state/index.js';
import { Avatar, Icon } from '../Icon.js';

/** "You: " before my own last reply, "Ana: " before a colleague's (a chat handed over), nothing before a visitor's. */
function previewPrefix(sum: Summary, myName: string | undefined): string {
  if (sum.previewAuthor !== 'agent') return '';
  if (!sum.previewAuthorName || sum.previewAuthorName === myName) return 'You: ';
  return `${sum.previewAuthorName.split(' ')[0]}: `;
}

export function ConversationRow({ c, s }: { c: Conversation; s: State }) {
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
