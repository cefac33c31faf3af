import { useState } from 'preact/hooks';
import { format } from '../i18n/locales';
import { useWidget } from './context';
import { EmailError, EmailInput, isEmail } from './EmailField';

/** "Nobody is online" card with an email field; the conversation still queues. */
export function OfflineNotice() {
  const { client, t } = useWidget();
  const saved = client.state.visitor.email;
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState(false);
  return (
    <div class="card notice" data-parley="offline">
      <p>{t.offlineNotice}</p>
      {saved ? (
        <p>{format(t.emailSaved, { email: saved })}</p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const ok = isEmail(email);
            setInvalid(!ok);
            if (ok) void client.updateVisitor({ email: email.trim() });
            else e.currentTarget.querySelector<HTMLInputElement>('[name=email]')?.focus();
          }}
        >
          <div class="inline">
            <EmailInput
              errorId="parley-offline-email-error"
              invalid={invalid}
              label={t.emailLabel}
              value={email}
              onInput={setEmail}
            />
            <button type="submit" class="primary">
              {t.save}
            </button>
          </div>
          <EmailError id="parley-offline-email-error" show={invalid} />
        </form>
      )}
    </div>
  );
}
