import { useEffect, useRef } from 'preact/hooks';
import { setState } from '../state/index.js';

const SHORTCUTS: [string[], string][] = [
  [['Alt', '↓'], 'Next chat waiting for you'],
  [['Alt', '↑'], 'Previous chat waiting for you'],
  [['Alt', 'A'], 'Accept the open queued conversation'],
  [['Alt', 'C'], 'Close the conversation'],
  [['Alt', 'T'], 'Transfer the conversation'],
  [['Alt', 'N'], 'Switch between reply and internal note'],
  [['Alt', 'S'], 'Toggle online / away'],
  [['Alt', '1 2 3'], 'Queue, Mine, All tabs'],
  [['Enter'], 'Send'],
  [['Shift', 'Enter'], 'New line'],
  [['/'], 'Canned responses (in the composer)'],
  [['?'], 'This help'],
  [['Esc'], 'Close dialogs'],
];

export function HelpOverlay() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: backdrop click is a mouse nicety; Escape closes it for keyboards
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && setState({ helpOpen: false })}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" ref={ref}>
        <div class="dialog-head">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => setState({ helpOpen: false })}>
            Close
          </button>
        </div>
        <dl class="shortcuts">
          {SHORTCUTS.map(([keys, label]) => (
            <div key={label} class="shortcut">
              <dt>
                {keys.map((k) => (
                  <kbd key={k}>{k}</kbd>
                ))}
              </dt>
              <dd>{label}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
