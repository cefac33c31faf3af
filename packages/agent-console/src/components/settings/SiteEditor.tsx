import type { BusinessHours, SiteSettings } from '@parley/protocol';
import { LIMITS } from '@parley/protocol/entities';
import type { SiteWithSecret } from '@parley/protocol/rest';
import { useEffect, useState } from 'preact/hooks';
import { errorText, toast } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { Icon } from '../Icon.js';
import { copy } from './copy.js';
import { FormFooter } from './FormFooter.js';
import { HoursEditor } from './HoursEditor.js';
import { originsFrom } from './origins.js';

export function SiteEditor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const [site, setSite] = useState<SiteWithSecret | null>(null);
  const [draft, setDraft] = useState({
    name: '',
    origins: '',
    color: '#4f46e5',
    position: 'right' as SiteSettings['position'],
    greeting: '',
    preChat: false,
    hours: null as BusinessHours | null,
  });
  const [showSecret, setShowSecret] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    void (async () => {
      try {
        const { site } = await api('GET /api/sites/:id', { params: { id } });
        setSite(site);
        setDraft({
          name: site.name,
          origins: site.allowedOrigins.join('\n'),
          color: site.settings.color,
          position: site.settings.position,
          greeting: site.settings.greeting,
          preChat: site.settings.preChat,
          hours: site.settings.hours ?? null,
        });
      } catch (err) {
        setError(errorText(err));
      }
    })();
  }, [id]);
  if (!site) return error ? <p class="form-error">{error}</p> : <div class="loading-block" aria-busy="true" />;
  const snippet = `<script src="${location.origin}/widget.js" data-site="${site.key}" async></script>`;
  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const { site: saved } = await api('PATCH /api/sites/:id', {
        params: { id },
        body: {
          name: draft.name.trim(),
          allowedOrigins: originsFrom(draft.origins),
          settings: {
            color: draft.color,
            position: draft.position,
            greeting: draft.greeting.trim(),
            preChat: draft.preChat,
            // null: no hours, always open; a holiday row left empty is dropped
            hours: draft.hours && { ...draft.hours, holidays: draft.hours.holidays.filter(Boolean) },
          },
        },
      });
      setSite(saved);
      toast('Site saved');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  const set = (patch: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <form class="form-card" onSubmit={save} aria-label={`Site ${site.name}`}>
      <div class="form-card-head">
        <h2>{site.name}</h2>
        <span class="muted small">
          Site key{' '}
          <code class="mono" data-testid="site-key">
            {site.key}
          </code>
        </span>
      </div>
      <section class="snippet">
        <div class="snippet-head">
          <h3>Install the widget</h3>
          <button type="button" class="btn btn-sm" onClick={() => void copy(snippet, 'Snippet')}>
            <Icon name="copy" size={14} /> Copy
          </button>
        </div>
        <p class="muted small">
          Paste this before the closing &lt;/body&gt; tag of every page that should show the chat.
        </p>
        <pre class="code" data-testid="snippet">
          <code>{snippet}</code>
        </pre>
      </section>
      <div class="form-grid">
        <label class="field">
          <span>Name</span>
          <input
            name="name"
            required
            maxLength={LIMITS.nameMax}
            value={draft.name}
            onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Color</span>
          <span class="color-field">
            <input
              type="color"
              aria-label="Widget color"
              value={draft.color}
              onInput={(e) => set({ color: (e.currentTarget as HTMLInputElement).value })}
            />
            <input
              name="color"
              class="mono"
              pattern="#[0-9a-fA-F]{6}"
              value={draft.color}
              onInput={(e) => set({ color: (e.currentTarget as HTMLInputElement).value })}
            />
          </span>
        </label>
        <label class="field span-2">
          <span>Allowed origins</span>
          <textarea
            name="origins"
            rows={3}
            value={draft.origins}
            onInput={(e) => set({ origins: (e.currentTarget as HTMLTextAreaElement).value })}
          />
          <small class="muted">One per line, like https://www.example.com</small>
        </label>
        <label class="field span-2">
          <span>Greeting</span>
          <input
            name="greeting"
            maxLength={LIMITS.greetingMax}
            value={draft.greeting}
            onInput={(e) => set({ greeting: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <fieldset class="field">
          <legend>Launcher position</legend>
          <div class="segmented">
            {(['left', 'right'] as const).map((p) => (
              <label key={p} class={draft.position === p ? 'active' : ''}>
                <input
                  type="radio"
                  name="position"
                  value={p}
                  checked={draft.position === p}
                  onChange={() => set({ position: p })}
                />
                {p === 'left' ? 'Bottom left' : 'Bottom right'}
              </label>
            ))}
          </div>
        </fieldset>
        <label class="field toggle-field">
          <input
            type="checkbox"
            role="switch"
            aria-checked={draft.preChat}
            checked={draft.preChat}
            onChange={(e) => set({ preChat: (e.currentTarget as HTMLInputElement).checked })}
          />
          <span>
            <strong>Pre-chat form</strong>
            <small class="muted">Ask for name and email before the first message</small>
          </span>
        </label>
        <HoursEditor
          hours={draft.hours}
          onChange={(hours) => {
            set({ hours });
            setError(null); // a refusal of the hours is about what was just changed
          }}
        />
      </div>
      <section class="secret">
        <h3>
          <Icon name="shield" size={14} /> Identity verification
        </h3>
        <p class="muted small">
          Sign logged-in users on your server: <code>userHash = HMAC-SHA256(secret, userId)</code> (hex), then call{' '}
          <code>
            Parley('identify', {'{'}userId, userHash, name, email{'}'})
          </code>
          . Keep the secret on the server.
        </p>
        <div class="secret-row">
          <code class="mono secret-value">{showSecret ? site.identitySecret : '•'.repeat(32)}</code>
          <button type="button" class="btn btn-sm" onClick={() => setShowSecret((v) => !v)}>
            {showSecret ? 'Hide' : 'Reveal'}
          </button>
          <button type="button" class="btn btn-sm" onClick={() => void copy(site.identitySecret, 'Secret')}>
            <Icon name="copy" size={14} /> Copy
          </button>
        </div>
      </section>
      <FormFooter error={error} label={saving ? 'Saving…' : 'Save changes'} disabled={saving} />
    </form>
  );
}
