import { useState } from 'preact/hooks';
import { format } from '../i18n/locales';
import { useWidget } from './context';

/** "Nobody is online" card with an email field; the conversation still queues. */
export function OfflineNotice() {
  const { client, t } = useWidget();
  const saved = client.state.visitor.email;
  const [email, setEmail] = useState('');
  return (
    <div class="card notice" data-parley="offline">
      <p>{t.offlineNotice}</p>
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
