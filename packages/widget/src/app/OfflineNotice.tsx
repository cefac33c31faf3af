import { useState } from 'preact/hooks';
import { closedStrings, formatOpening } from '../i18n/closed-strings';
import { format } from '../i18n/locales';
import { useWidget } from './context';

/**
 * Nobody answers now: outside the site's business hours ("We're closed — back Monday 9:00 AM", in the
 * visitor's language and timezone), or nobody is online. Asks for an email; the message still queues.
 * A chunk of its own, fetched only when the site is closed or nobody is online (app/MessageList.tsx).
 */
export function OfflineNotice() {
  const { host, client, t, locale } = useWidget();
  const { open, nextOpenAt } = host.config;
  const saved = client.state.visitor.email;
  const [email, setEmail] = useState('');
  const s = closedStrings[locale] ?? closedStrings.en!;
  const closed = open === false;
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
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (email.trim()) void client.updateVisitor({ email });
          }}
        >
          <input
            class="input"
            type="email"
            required
            aria-label={t.emailLabel}
            placeholder={t.emailLabel}
            autocomplete="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <button type="submit" class="primary">
            {t.save}
          </button>
        </form>
      )}
    </div>
  );
}
