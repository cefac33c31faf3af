/** A form's error line (announced) and its submit button. */
export function FormFooter(props: { error: string | null; label: string; disabled?: boolean; wide?: boolean }) {
  const span = props.wide ? ' span-2' : '';
  return (
    <>
      {props.error && (
        <p class={`form-error${span}`} role="alert">
          {props.error}
        </p>
      )}
      <div class={`form-actions${span}`}>
        <button type="submit" class="btn btn-primary" disabled={props.disabled}>
          {props.label}
        </button>
      </div>
    </>
  );
}
