import { useState } from 'preact/hooks';
import { loadOlderClosed } from '../../state/index.js';

/** The end of the Closed tab while older closed conversations remain on the server. */
export function OlderClosed() {
  const [busy, setBusy] = useState(false);
  const more = async () => {
    setBusy(true);
    await loadOlderClosed();
    setBusy(false);
  };
  return (
    <li class="list-more">
      <button type="button" class="btn btn-ghost btn-block" disabled={busy} onClick={() => void more()}>
        {busy ? 'Loading…' : 'Show older conversations'}
      </button>
    </li>
  );
}
