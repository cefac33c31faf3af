import type { CannedResponse } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { errorText, refreshCanned, toast } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { Icon } from '../Icon.js';

export function CannedItem({ c }: { c: CannedResponse }) {
  const [editing, setEditing] = useState(false);
  const [shortcut, setShortcut] = useState(c.shortcut);
  const [text, setText] = useState(c.text);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api('PATCH /api/canned/:id', { params: { id: c.id }, body: { shortcut, text } });
      toast('Saved');
      setEditing(false);
      await refreshCanned();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const remove = async () => {
    try {
      await api('DELETE /api/canned/:id', { params: { id: c.id } });
      toast(`/${c.shortcut} deleted`);
      await refreshCanned();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  if (editing)
    return (
      <li class="canned-item editing">
        <form onSubmit={save} class="canned-edit">
          <input
            aria-label="Shortcut"
            value={shortcut}
            onInput={(e) => setShortcut((e.currentTarget as HTMLInputElement).value)}
          />
          <textarea
            aria-label="Text"
            rows={3}
            value={text}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <div class="form-actions">
            <button type="button" class="btn btn-ghost btn-sm" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary btn-sm">
              Save
            </button>
          </div>
        </form>
      </li>
    );
  return (
    <li class="canned-item">
      <code class="shortcut">/{c.shortcut}</code>
      <p>{c.text}</p>
      <div class="canned-actions">
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="btn btn-ghost btn-sm"
          aria-label={`Delete /${c.shortcut}`}
          onClick={() => void remove()}
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
    </li>
  );
}
