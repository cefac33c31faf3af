import type { CannedResponse, Conversation } from '@parley/protocol';
import { LIMITS } from '@parley/protocol/entities';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { visitorLabel } from '../../format.js';
import { agentTyping, attachFiles, composerFiles, type State, sendComposed, setState } from '../../state/index.js';
import { Icon } from '../Icon.js';
import { cannedMatches } from './canned-matches.js';
import { UploadTray } from './UploadTray.js';

export function Composer({
  s,
  conversation: c,
  canReply,
}: {
  s: State;
  conversation: Conversation;
  canReply: boolean;
}) {
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [pick, setPick] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const text = drafts[c.id] ?? '';
  const files = composerFiles(c.id, s);
  const canSend = files.ready && (!!text.trim() || files.attachments.length > 0);
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
    // Refused while a file uploads or has failed: the message waits for its files.
    if (!sendComposed(c.id, text.trim(), mode === 'note')) return;
    if (mode === 'reply') agentTyping(c.id, false);
    setText('');
  };
  /** A pasted screenshot or file is attached; text pasted along with it (an office app's copy) still pastes. */
  const onPaste = (e: ClipboardEvent) => {
    const pasted = Array.from(e.clipboardData?.files ?? []);
    if (!pasted.length) return;
    attachFiles(c.id, pasted);
    if (!e.clipboardData?.types.includes('text/plain')) e.preventDefault();
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
      <UploadTray files={files} />
      <div class="composer-box">
        <button
          type="button"
          class="btn btn-ghost attach"
          aria-label="Attach files"
          title="Attach files — or paste, or drop them on the conversation"
          onClick={() => picker.current?.click()}
        >
          <Icon name="paperclip" size={17} />
        </button>
        <input
          type="file"
          id="composer-files"
          ref={picker}
          multiple
          hidden
          aria-label="Attach files"
          onChange={(e) => {
            const el = e.currentTarget as HTMLInputElement;
            attachFiles(c.id, Array.from(el.files ?? []));
            // The same file may be picked again after it was removed.
            el.value = '';
          }}
        />
        <label for="composer-input" class="sr-only">
          {mode === 'note' ? 'Internal note (agents only)' : `Reply to ${visitorLabel(c)}`}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={2}
          maxLength={LIMITS.textMax}
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
          onPaste={onPaste}
          onBlur={() => agentTyping(c.id, false)}
        />
        <button
          type="button"
          class={`btn ${mode === 'note' ? 'btn-note' : 'btn-primary'} send`}
          onClick={submit}
          disabled={!canSend}
          aria-label={mode === 'note' ? 'Add note' : 'Send'}
        >
          <Icon name={mode === 'note' ? 'note' : 'send'} size={16} />
          <span>{mode === 'note' ? 'Add note' : 'Send'}</span>
        </button>
      </div>
    </div>
  );
}
