import { TEXT_MAX } from '@parley/protocol/limits';
import type { Ref } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { attachChunk } from '../attach/load';
import { useWidget } from './context';
import { Icon } from './icons';
import { useChunk } from './use-chunk';

type Props = { inputRef: Ref<HTMLTextAreaElement>; files: File[]; setFiles: (files: File[]) => void };

/** The message box; files (picked, pasted, or dropped on the panel) are previewed by the attachments chunk. */
export function Composer({ inputRef, files, setFiles }: Props) {
  const { client, t } = useWidget();
  const [text, setText] = useState('');
  const picker = useRef<HTMLInputElement>(null);
  const attach = useChunk(attachChunk, files.length > 0);
  const empty = !text.trim() && !files.length;
  const add = (list?: FileList | null) => list?.length && setFiles([...files, ...list]);
  const submit = async () => {
    if (empty) return;
    // files wait for the chunk that describes them (on its way since the first file); without it they stay
    const chunk = files.length ? await attachChunk.load() : undefined;
    if (files.length && !chunk) return;
    client.send(text, chunk?.hold(files));
    setText('');
    setFiles([]);
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {attach && <attach.Tray files={files} setFiles={setFiles} />}
      <input
        type="file"
        multiple
        hidden
        ref={picker}
        onChange={(e) => {
          add(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
      <button
        type="button"
        class="hbtn"
        data-parley="attach"
        aria-label={t.attach}
        onClick={() => picker.current?.click()}
      >
        +
      </button>
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
        onPaste={(e) => {
          const pasted = e.clipboardData?.files;
          if (!pasted?.length) return;
          e.preventDefault();
          add(pasted);
        }}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          client.typing(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <button type="submit" class="send" data-parley="send" aria-label={t.send} aria-disabled={empty}>
        <Icon name="send" />
      </button>
    </form>
  );
}
