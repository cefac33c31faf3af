import { TEXT_MAX } from '@parley/protocol/limits';
import type { Ref } from 'preact';
import { useState } from 'preact/hooks';
import { useWidget } from './context';
import { Icon } from './icons';

export function Composer({ inputRef }: { inputRef: Ref<HTMLTextAreaElement> }) {
  const { client, t } = useWidget();
  const [text, setText] = useState('');
  const empty = !text.trim();
  const submit = () => {
    if (empty) return;
    client.send(text);
    setText('');
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="sr" for="parley-input">
        {t.inputLabel}
      </label>
      <textarea
        id="parley-input"
        data-parley="input"
        ref={inputRef}
        rows={Math.min(5, text.split('\n').length)}
        maxLength={TEXT_MAX}
        placeholder={t.placeholder}
        value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          client.typing(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="send" data-parley="send" aria-label={t.send} aria-disabled={empty}>
        <Icon name="send" />
      </button>
    </form>
  );
}
