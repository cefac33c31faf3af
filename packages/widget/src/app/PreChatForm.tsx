import { EMAIL_MAX, NAME_MAX } from '@parley/protocol/limits';
import { useState } from 'preact/hooks';
import { useWidget } from './context';

export function PreChatForm({ onDone }: { onDone: () => void }) {
  const { client, t } = useWidget();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      data-parley="prechat"
      onSubmit={async (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        setBusy(true);
        await client.updateVisitor({ name: String(data.get('name') ?? ''), email: String(data.get('email') ?? '') });
        setBusy(false);
        onDone();
      }}
    >
      <p>{t.preChatTitle}</p>
      <label class="field">
        {t.nameLabel}
        <input class="input" name="name" autocomplete="name" maxLength={NAME_MAX} />
      </label>
      <label class="field">
        {t.emailLabel}
        <input class="input" name="email" type="email" autocomplete="email" maxLength={EMAIL_MAX} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {t.startChat}
      </button>
    </form>
  );
}
