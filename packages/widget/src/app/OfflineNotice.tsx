import { useState } from 'preact/hooks';
import { closedStrings, formatOpening } from '../i18n/closed-strings';
import { format } from '../i18n/locales';
import { useWidget } from './context';
import { EmailError, EmailInput, isEmail } from './EmailField';

/**
 * Nobody answers now: outside the site's business hours ("We're closed — back Monday 9:00 AM", in the
 * visitor's language and timezone), or nobody is online. Asks for an email; the message still queues.
 * Part of the email-forms chunk, fetched only when the site is closed or nobody is online (app/MessageList.tsx).
 */
export function OfflineNotice() {
  const { host, client, t, locale } = useWidget();
  const { open, nextOpenAt } = host.config;
  const saved = client.state.visitor.email;
  const [email, setEmail] = useState('');
  const s = closedStrings[locale] ?? closedStrings.en!;
  const closed = open === false;
  const [invalid, setInvalid] = useState(false);
  return (
    <div class="card notice" data-parley={closed ? 'closed' : 'offline'}>
      {closed ? (
        <p>
          {nextOpenAt
            ? format(s.closedUntil, { when: formatOpening(nextOpenAt, locale, Date.now(), navigator.language) })
            : s.closed}{' '}
          {s.leaveEmail}
        </p>
      ) : (
        <p>{t.offlineNotice}</p>
      )}
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
