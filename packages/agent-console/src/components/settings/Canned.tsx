import { LIMITS } from '@parley/protocol/entities';
import { useEffect, useState } from 'preact/hooks';
import { errorText, refreshCanned, toast, useAppState } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { CannedItem } from './CannedItem.js';
import { FormFooter } from './FormFooter.js';

export function Canned() {
  const s = useAppState();
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refreshCanned();
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST /api/canned', { body: { shortcut: shortcut.replace(/^\//, '').trim(), text: text.trim() } });
      toast(`/${shortcut.replace(/^\//, '')} saved`);
      setShortcut('');
      setText('');
      await refreshCanned();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="stack">
      <div class="panel">
        <h2>Canned responses</h2>
        <p class="muted small">
          Type <kbd>/</kbd> and the shortcut in the composer. <code>{'{name}'}</code> becomes the visitor’s first name.
        </p>
        {s.canned.length === 0 && <p class="muted">No canned responses yet.</p>}
        <ul class="canned-list">
          {s.canned.map((c) => (
            <CannedItem key={c.id} c={c} />
          ))}
        </ul>
      </div>
      <form class="panel" onSubmit={create} aria-labelledby="new-canned-title">
        <h2 id="new-canned-title">New canned response</h2>
        <div class="form-grid">
          <label class="field">
            <span>Shortcut</span>
            <span class="prefix-input">
              <span aria-hidden="true">/</span>
              <input
                name="canned-shortcut"
                required
                maxLength={LIMITS.shortcutMax}
                pattern="/?[A-Za-z0-9][A-Za-z0-9_\-]*"
                value={shortcut}
                onInput={(e) => setShortcut((e.currentTarget as HTMLInputElement).value)}
              />
            </span>
          </label>
          <label class="field span-2">
            <span>Text</span>
            <textarea
              name="canned-text"
              required
              rows={3}
              maxLength={LIMITS.textMax}
              value={text}
              onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            />
          </label>
        </div>
        <FormFooter error={error} label="Save response" />
      </form>
    </div>
  );
}
