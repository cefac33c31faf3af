import { EMAIL_MAX } from '@parley/protocol/limits';
import { emailStrings } from '../i18n/email-strings';
import { useWidget } from './context';

/** The address the server takes (zod's email check, after trimming): refused here first, with a reason. */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export const isEmail = (value: string) => EMAIL.test(value.trim());

const emailCss = `
.field[for]{margin-bottom:4px}
.field[for]+.input{margin-bottom:10px}
.input[aria-invalid=true]{border-color:#b42318}
.err{margin:4px 0 10px;font-size:13px;font-weight:600;color:#b42318}
.check{display:flex;align-items:center;gap:6px;margin-top:6px;font-size:13px}
`;
const adopted = new WeakSet<ShadowRoot>();

/** The email forms chunk's strings in the visitor's locale; its styles join the shadow root on first use. */
export function useEmailStrings() {
  const { locale, host } = useWidget();
  if (!adopted.has(host.shadow)) {
    adopted.add(host.shadow);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(emailCss);
    host.shadow.adoptedStyleSheets = [...host.shadow.adoptedStyleSheets, sheet];
  }
  return emailStrings[locale] ?? emailStrings.en!;
}

type Props = {
  id?: string;
  /** The id of the error shown below it while `invalid` (EmailError). */
  errorId: string;
  invalid: boolean;
  label?: string | undefined;
  value?: string;
  onInput?: (value: string) => void;
};

/** An email input; `invalid` marks it so (aria-invalid) and points to the reason (aria-describedby). */
export function EmailInput({ id, errorId, invalid, label, value, onInput }: Props) {
  useEmailStrings();
  return (
    <input
      id={id}
      class="input"
      name="email"
      type="email"
      autocomplete="email"
      maxLength={EMAIL_MAX}
      aria-label={label}
      placeholder={label}
      aria-invalid={invalid}
      aria-describedby={invalid ? errorId : undefined}
      value={value}
      onInput={onInput && ((e) => onInput(e.currentTarget.value))}
    />
  );
}

/** Why the address was refused: visible, and announced when it appears. */
export function EmailError({ id, show }: { id: string; show: boolean }) {
  const s = useEmailStrings();
  return show ? (
    <p id={id} class="err" role="alert" data-parley="email-error">
      {s.invalidEmail}
    </p>
  ) : null;
}
