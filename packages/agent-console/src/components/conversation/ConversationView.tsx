import type { Conversation } from '@parley/protocol';
import { useEffect } from 'preact/hooks';
import { visitorLabel } from '../../format.js';
import { handoverTo } from '../../state/inbox-order.js';
import {
  agentSeen,
  attachFiles,
  canSupervise,
  closeConversation,
  fileLinksExpireAt,
  openConversation,
  refreshAgents,
  type State,
  setState,
} from '../../state/index.js';
import { Icon } from '../Icon.js';
import { Toasts } from '../Toasts.js';
import { AcceptButton } from './AcceptButton.js';
import { BlockDialog } from './BlockDialog.js';
import { Composer } from './Composer.js';
import { HandoverBanner } from './HandoverBanner.js';
import { Thread } from './Thread.js';
import { TransferDialog } from './TransferDialog.js';
import { useFileDrop } from './use-file-drop.js';
import { useFileLinkRenewal } from './use-file-link-renewal.js';

export function ConversationView({ s, conversation: c }: { s: State; conversation: Conversation }) {
  const me = s.me!;
  const mine = c.status === 'assigned' && c.agentId === me.id;
  const canAct = mine || (canSupervise() && c.status === 'assigned');
  const messages = s.messages[c.id];
  const typing = s.typing[c.id];
  const name = visitorLabel(c);
  const handover = mine && messages ? handoverTo(messages, me.name) : null;
  const drop = useFileDrop((files) => attachFiles(c.id, files));
  useFileLinkRenewal(c.id, fileLinksExpireAt(c.id, s));
  // delivery receipt: the one answering (or a supervisor) has the conversation on screen up to its last message
  const shownSeq = messages?.reduce((max, m) => Math.max(max, m.seq || 0), 0) ?? 0;
  useEffect(() => {
    if (canAct && shownSeq > 0 && !document.hidden) agentSeen(c.id, shownSeq);
  }, [c.id, canAct, shownSeq]);
  return (
    <section
      class={`conversation${drop.dragging ? ' dropping' : ''}`}
      aria-label={`Conversation with ${name}`}
      {...drop.handlers}
    >
      {drop.dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <Icon name="paperclip" size={22} /> Drop files to attach them to your message
        </div>
      )}
      <header class="conv-header">
        {/* Phones show the list or a conversation, not both: this goes back to the list. */}
        <button type="button" class="btn btn-ghost btn-sm conv-back" onClick={() => openConversation(null)}>
          <span class="flip" aria-hidden="true">
            <Icon name="chevron" size={16} />
          </span>
          Inbox
        </button>
        <div class="conv-header-main">
          <h2>{name}</h2>
          <span class="muted small">
            {c.status === 'queued' && 'Waiting in the queue'}
            {c.status === 'assigned' && (mine ? 'Assigned to you' : `Assigned to ${c.agentName ?? 'another agent'}`)}
            {c.status === 'closed' && 'Closed'}
          </span>
        </div>
        <div class="conv-actions">
          {c.status === 'queued' && <AcceptButton conversationId={c.id} />}
          {canAct && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                void refreshAgents();
                setState({ transferOpen: true });
              }}
              title="Transfer (Alt+T)"
            >
              <Icon name="transfer" size={16} /> Transfer
            </button>
          )}
          {c.status !== 'closed' && (mine || canSupervise()) && (
            <button type="button" class="btn" onClick={() => void closeConversation(c.id)} title="Close (Alt+C)">
              <Icon name="check" size={16} /> Close
            </button>
          )}
          {c.status !== 'closed' && (mine || canSupervise()) && (
            <button
              type="button"
              class="btn btn-danger-ghost"
              data-testid="block-visitor"
              onClick={() => setState({ blockOpen: true })}
              title="Block this visitor (abuse)"
            >
              Block
            </button>
          )}
          <button
            type="button"
            id="details-toggle"
            class="btn details-toggle"
            aria-expanded={s.detailsOpen}
            aria-controls="visitor-panel"
            onClick={() => setState({ detailsOpen: !s.detailsOpen })}
            title="Visitor details"
          >
            <Icon name="user" size={16} /> Details
          </button>
        </div>
      </header>
      {handover && <HandoverBanner conversationId={c.id} handover={handover} />}
      <Thread messages={messages} conversation={c} />
      <div class="toast-anchor">
        <Toasts s={s} />
      </div>
      {typing && (
        <div class="typing-preview" aria-live="polite" data-testid="typing-preview">
          <span class="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span>
            {name} is typing{typing.preview ? ':' : '…'} {typing.preview && <q>{typing.preview}</q>}
          </span>
        </div>
      )}
      {c.status === 'queued' && (
        <div class="banner">
          This conversation is waiting in the queue. Accept it to reply; internal notes are possible meanwhile.
        </div>
      )}
      {c.status === 'assigned' && !mine && !canSupervise() && (
        <div class="banner">Assigned to {c.agentName ?? 'another agent'} — you can leave internal notes.</div>
      )}
      <Composer s={s} conversation={c} canReply={c.status === 'assigned' && (mine || canSupervise())} />
      {s.transferOpen && <TransferDialog s={s} conversation={c} />}
      {s.blockOpen && <BlockDialog conversation={c} />}
    </section>
  );
}
