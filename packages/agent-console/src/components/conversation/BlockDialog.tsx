import type { Conversation } from '@parley/protocol';
import { LIMITS } from '@parley/protocol/entities';
import { useEffect, useRef, useState } from 'preact/hooks';
import { visitorLabel } from '../../format.js';
import { blockVisitor, setState } from '../../state/index.js';
import { FormDialog } from './FormDialog.js';

export function BlockDialog({ conversation: c }: { conversation: Conversation }) {
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
          maxLength={LIMITS.blockReasonMax}
          value={reason}
          placeholder="Abusive language, spam…"
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
    </FormDialog>
  );
}
