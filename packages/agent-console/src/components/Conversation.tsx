import type { CannedResponse, Conversation } from '@parley/protocol';
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Handover, handoverTo } from '../state/inbox-order.js';
import {
  acceptConversation,
  agentTyping,
  blockVisitor,
  type ChatMessage,
  canSupervise,
  closeConversation,
  errorText,
  openConversation,
  refreshAgents,
  retryMessage,
  type State,
  sendMessage,
  setState,
  transferConversation,
} from '../state/index.js';
import { clockTime, dayLabel, linkify, visitorLabel } from '../util.js';
import { Avatar, Icon } from './Icon.js';
import { Toasts } from './Toasts.js';

export function ConversationView({ s, conversation: c }: { s: State; conversation: Conversation }) {
  const me = s.me!;
  const mine = c.status === 'assigned' && c.agentId === me.id;
  const canAct = mine || (canSupervise() && c.status === 'assigned');
  const messages = s.messages[c.id];
  const typing = s.typing[c.id];
  const name = visitorLabel(c);
  const handover = mine && messages ? handoverTo(messages, me.name) : null;
  return (
    <section class="conversation" aria-label={`Conversation with ${name}`}>
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

/** Accept, focused when a queued chat opens (the composer takes focus on the agent's own chats). */
function AcceptButton({ conversationId }: { conversationId: string }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), [conversationId]);
  return (
    <button type="button" class="btn btn-primary" ref={ref} onClick={() => void acceptConversation(conversationId)}>
      <Icon name="check" size={16} /> Accept
    </button>
  );
}

/** Handovers the agent has read and put away, by conversation and transfer time (for this page's life). */
const dismissedHandovers = new Set<string>();

/** "Transferred to you by Ana — her note", at the top of a conversation someone handed to me. */
function HandoverBanner({ conversationId, handover }: { conversationId: string; handover: Handover }) {
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

function Thread({ messages, conversation }: { messages: ChatMessage[] | undefined; conversation: Conversation }) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  useEffect(() => {
    stick.current = true;
  }, [conversation.id]);
  if (!messages) return <div class="thread loading" aria-busy="true" />;
  let lastDay = '';
  return (
    <div
      class="thread"
      ref={ref}
      role="log"
      aria-live="polite"
      aria-label="Messages"
      onScroll={(e) => {
        const el = e.currentTarget as HTMLDivElement;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      {messages.map((m, i) => {
        const day = dayLabel(m.createdAt);
        const showDay = day !== lastDay;
        lastDay = day;
        const prev = messages[i - 1];
        const grouped =
          !showDay &&
          prev &&
          prev.author === m.author &&
          prev.authorName === m.authorName &&
          prev.internal === m.internal;
        return (
          <div key={m.id} class="msg-wrap">
            {showDay && (
              <div class="day-sep">
                <span>{day}</span>
              </div>
            )}
            <MessageItem m={m} grouped={!!grouped} conversation={conversation} />
          </div>
        );
      })}
    </div>
  );
}

function Text({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        'href' in part ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

function MessageItem({ m, grouped, conversation }: { m: ChatMessage; grouped: boolean; conversation: Conversation }) {
  if (m.author === 'system') {
    return (
      <div
        class={`system${m.internal ? ' system-internal' : ''}`}
        data-message
        data-author="system"
        data-internal={m.internal ? 'true' : undefined}
      >
        {m.internal && <Icon name="lock" size={12} />}
        <span>
          <Text text={m.text} />
        </span>
        <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
      </div>
    );
  }
  const fromVisitor = m.author === 'visitor';
  const who = fromVisitor ? visitorLabel(conversation) : (m.authorName ?? 'Agent');
  return (
    <div
      class={`msg ${fromVisitor ? 'msg-in' : 'msg-out'}${m.internal ? ' msg-note' : ''}${grouped ? ' grouped' : ''}`}
      data-message
      data-author={m.author}
      data-internal={m.internal ? 'true' : undefined}
    >
      {!grouped && (
        <div class="msg-head">
          {fromVisitor && <Avatar name={who} seed={conversation.visitorId} size={22} />}
          <span class="msg-author">{who}</span>
          {m.internal && (
            <span class="note-tag">
              <Icon name="lock" size={11} /> Internal note
            </span>
          )}
        </div>
      )}
      <div class="bubble">
        <Text text={m.text} />
      </div>
      <div class="msg-foot">
        <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
        {m.author === 'agent' && <DeliveryState m={m} />}
      </div>
    </div>
  );
}

function DeliveryState({ m }: { m: ChatMessage }) {
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

// ---------------------------------------------------------------- composer

function cannedMatches(canned: CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const starts = canned.filter((c) => c.shortcut.startsWith(q));
  const contains = canned.filter(
    (c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.text.toLowerCase().includes(q)),
  );
  return [...starts, ...contains].slice(0, 8);
}

function Composer({ s, conversation: c, canReply }: { s: State; conversation: Conversation; canReply: boolean }) {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [pick, setPick] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const text = drafts[c.id] ?? '';
  const mode = canReply ? s.composerMode : 'note';
  const slash = /(^|\s)\/([\w-]*)$/.exec(text);
  const matches = useMemo(
    () => (slash && !dismissed ? cannedMatches(s.canned, slash[2] ?? '') : []),
    [slash?.[2], dismissed, s.canned],
  );
  const open = matches.length > 0;

  useEffect(() => {
    if (canReply) input.current?.focus();
  }, [c.id]);
  useEffect(() => setPick(0), [slash?.[2]]);
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.rows = Math.min(8, Math.max(2, text.split('\n').length));
  }, [text]);

  const setText = (value: string) => setDrafts((d) => ({ ...d, [c.id]: value }));
  const insert = (canned: CannedResponse) => {
    const first = (c.visitorName ?? '').trim().split(/\s+/)[0] || 'there';
    const body = canned.text.replace(/\{name\}/g, first);
    setText(text.replace(/(^|\s)\/[\w-]*$/, `$1${body}`));
    setDismissed(false);
    input.current?.focus();
  };
  const submit = () => {
    const value = text.trim();
    if (!value) return;
    void sendMessage(c.id, value, mode === 'note');
    if (mode === 'reply') agentTyping(c.id, false);
    setText('');
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (open) {
      if (e.key === 'ArrowDown') {
        setPick((p) => (p + 1) % matches.length);
        e.preventDefault();
        return;
      }
      if (e.key === 'ArrowUp') {
        setPick((p) => (p - 1 + matches.length) % matches.length);
        e.preventDefault();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        const chosen = matches[pick];
        if (chosen) insert(chosen);
        e.preventDefault();
        return;
      }
      if (e.key === 'Escape') {
        setDismissed(true);
        e.preventDefault();
        e.stopPropagation();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  return (
    <div class={`composer${mode === 'note' ? ' composer-note' : ''}`}>
      <fieldset class="composer-tabs">
        <legend class="sr-only">Message type</legend>
        <button
          type="button"
          aria-pressed={mode === 'reply'}
          class={mode === 'reply' ? 'active' : ''}
          disabled={!canReply}
          onClick={() => setState({ composerMode: 'reply' })}
        >
          Reply
        </button>
        <button
          type="button"
          aria-pressed={mode === 'note'}
          class={mode === 'note' ? 'active note' : ''}
          onClick={() => setState({ composerMode: 'note' })}
        >
          <Icon name="lock" size={12} /> Internal note
        </button>
        <span class="composer-hint muted small">
          <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>/</kbd> canned
        </span>
      </fieldset>
      {open && (
        <div class="canned-menu" role="listbox" id="canned-menu" aria-label="Canned responses">
          {matches.map((m, i) => (
            <div
              key={m.id}
              role="option"
              tabIndex={-1}
              id={`canned-${m.id}`}
              aria-selected={i === pick}
              class={i === pick ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(m);
              }}
            >
              <strong>/{m.shortcut}</strong>
              <span>{m.text}</span>
            </div>
          ))}
        </div>
      )}
      <div class="composer-box">
        <label for="composer-input" class="sr-only">
          {mode === 'note' ? 'Internal note (agents only)' : `Reply to ${visitorLabel(c)}`}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={2}
          maxLength={5000}
          value={text}
          placeholder={
            mode === 'note'
              ? 'Write an internal note — only agents see it'
              : 'Write a reply…  (type / for canned responses)'
          }
          aria-autocomplete="list"
          aria-controls={open ? 'canned-menu' : undefined}
          aria-activedescendant={open && matches[pick] ? `canned-${matches[pick]!.id}` : undefined}
          onInput={(e) => {
            const value = (e.currentTarget as HTMLTextAreaElement).value;
            setText(value);
            setDismissed(false);
            if (mode === 'reply' && value.trim()) agentTyping(c.id, true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => agentTyping(c.id, false)}
        />
        <button
          type="button"
          class={`btn ${mode === 'note' ? 'btn-note' : 'btn-primary'} send`}
          onClick={submit}
          disabled={!text.trim()}
          aria-label={mode === 'note' ? 'Add note' : 'Send'}
        >
          <Icon name={mode === 'note' ? 'note' : 'send'} size={16} />
          <span>{mode === 'note' ? 'Add note' : 'Send'}</span>
        </button>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------- dialogs

/** A modal form: click outside or Escape (global handler) closes; shows the error of a failed submit. */
function FormDialog(props: {
  id: string;
  title: string;
  submitLabel: string;
  busyLabel: string;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  formRef?: Ref<HTMLFormElement>;
  children: ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes the dialog (global handler); the click is a mouse nicety
    <div
      class="overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby={props.id}
      onClick={(e) => e.target === e.currentTarget && props.onClose()}
    >
      <form class="dialog" aria-labelledby={props.id} ref={props.formRef} onSubmit={submit}>
        <div class="dialog-head">
          <h2 id={props.id}>{props.title}</h2>
          <button type="button" class="btn btn-ghost btn-sm" onClick={props.onClose}>
            Cancel
          </button>
        </div>
        {props.children}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-foot">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? props.busyLabel : props.submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

function BlockDialog({ conversation: c }: { conversation: Conversation }) {
  const [reason, setReason] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <FormDialog
      id="block-title"
      title={`Block ${visitorLabel(c)}?`}
      submitLabel="Block visitor"
      busyLabel="Blocking…"
      onClose={() => setState({ blockOpen: false })}
      onSubmit={() => blockVisitor(c.id, reason)}
    >
      <p class="muted">
        The conversation closes, the visitor is disconnected, and they cannot start a new chat on this site — neither
        from this browser nor from their network address. A supervisor can lift the block.
      </p>
      <label class="field">
        <span>Reason (internal, for your team)</span>
        <textarea
          ref={ref}
          name="block-reason"
          rows={3}
          maxLength={500}
          value={reason}
          placeholder="Abusive language, spam…"
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
    </FormDialog>
  );
}

function TransferDialog({ s, conversation: c }: { s: State; conversation: Conversation }) {
  const [target, setTarget] = useState<string>('queue');
  const [note, setNote] = useState('');
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLInputElement>('input[type=radio]')?.focus();
  }, []);
  const agents = s.agents
    .filter((a) => a.active && a.id !== c.agentId)
    .sort((a, b) => Number(b.status === 'online') - Number(a.status === 'online') || a.name.localeCompare(b.name));
  return (
    <FormDialog
      id="transfer-title"
      title="Transfer conversation"
      submitLabel="Transfer"
      busyLabel="Transferring…"
      formRef={ref}
      onClose={() => setState({ transferOpen: false })}
      onSubmit={() => transferConversation(c.id, target === 'queue' ? null : target, note)}
    >
      <fieldset class="pick-list">
        <legend class="sr-only">Transfer to</legend>
        <label class={`pick${target === 'queue' ? ' active' : ''}`}>
          <input
            type="radio"
            name="target"
            value="queue"
            checked={target === 'queue'}
            onChange={() => setTarget('queue')}
          />
          <span class="pick-icon">
            <Icon name="queue" size={18} />
          </span>
          <span class="pick-text">
            <strong>Back to the queue</strong>
            <span class="muted small">The next free agent gets it</span>
          </span>
        </label>
        {agents.map((a) => {
          const full = a.load >= a.maxChats;
          const disabled = a.status === 'offline' || full;
          return (
            <label key={a.id} class={`pick${target === a.id ? ' active' : ''}${disabled ? ' disabled' : ''}`}>
              <input
                type="radio"
                name="target"
                value={a.id}
                checked={target === a.id}
                disabled={disabled}
                onChange={() => setTarget(a.id)}
              />
              <Avatar name={a.name} seed={a.id} size={30} />
              <span class="pick-text">
                <strong>{a.name}</strong>
                <span class="muted small">
                  <span class={`dot dot-${a.status}`} aria-hidden="true" /> {a.status} · {a.load}/{a.maxChats} chats
                  {full ? ' · full' : ''}
                </span>
              </span>
            </label>
          );
        })}
      </fieldset>
      <label class="field">
        <span>Note for the next agent (internal)</span>
        <textarea
          name="note"
          rows={3}
          maxLength={2000}
          value={note}
          placeholder="What should they know?"
          onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
    </FormDialog>
  );
}
