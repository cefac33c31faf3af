import type { Conversation } from '@parley/protocol';
import { LIMITS } from '@parley/protocol/entities';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type State, setState, transferConversation } from '../../state/index.js';
import { Avatar, Icon } from '../Icon.js';
import { FormDialog } from './FormDialog.js';

export function TransferDialog({ s, conversation: c }: { s: State; conversation: Conversation }) {
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
          maxLength={LIMITS.noteMax}
          value={note}
          placeholder="What should they know?"
          onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
    </FormDialog>
  );
}
