import type { ComponentChildren, Ref } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../../state/index.js';

/** A modal form: click outside or Escape (global handler) closes; shows the error of a failed submit. */
export function FormDialog(props: {
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
