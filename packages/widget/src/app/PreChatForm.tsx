import { NAME_MAX } from '@parley/protocol/limits';
import { useState } from 'preact/hooks';
import { useWidget } from './context';
import { EmailError, EmailInput, isEmail } from './EmailField';

export function PreChatForm({ onDone }: { onDone: () => void }) {
  const { client, t } = useWidget();
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState(false);
  return (
    <form
      class="card"
      data-parley="prechat"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        const email = String(data.get('email') ?? '');
        // an email is optional here, but one that cannot be used is not sent
        if (email.trim() && !isEmail(email)) {
          setInvalid(true);
          form.querySelector<HTMLInputElement>('[name=email]')?.focus();
          return;
        }
        setInvalid(false);
        setBusy(true);
        await client.updateVisitor({ name: String(data.get('name') ?? ''), email });
        setBusy(false);
        onDone();
      }}
    >
      <p>{t.preChatTitle}</p>
      <label class="field">
        {t.nameLabel}
        <input class="input" name="name" autocomplete="name" maxLength={NAME_MAX} />
      </label>
      <label class="field" for="parley-prechat-email">
        {t.emailLabel}
      </label>
      <EmailInput id="parley-prechat-email" errorId="parley-prechat-email-error" invalid={invalid} />
      <EmailError id="parley-prechat-email-error" show={invalid} />
      <button type="submit" class="primary" disabled={busy}>
        {t.startChat}
      </button>
    </form>
  );
}
