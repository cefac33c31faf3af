import { LIMITS } from '@parley/protocol/entities';
import type { SiteWithSecret } from '@parley/protocol/rest';
import { useState } from 'preact/hooks';
import { errorText, toast } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { FormFooter } from './FormFooter.js';
import { originsFrom } from './origins.js';

export function NewSite({ onCreated }: { onCreated: (site: SiteWithSecret) => void }) {
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const site = await api('POST /api/sites', {
        body: { name: name.trim(), allowedOrigins: originsFrom(origins) },
      });
      toast(`Site “${site.name}” created`);
      onCreated(site);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="form-card" onSubmit={submit} aria-labelledby="new-site-title">
      <h2 id="new-site-title">New site</h2>
      <label class="field">
        <span>Name</span>
        <input
          name="site-name"
          required
          maxLength={LIMITS.nameMax}
          value={name}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label class="field">
        <span>Allowed origins</span>
        <textarea
          name="site-origins"
          rows={3}
          placeholder="https://www.example.com"
          value={origins}
          onInput={(e) => setOrigins((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <small class="muted">One per line. Pages on other origins cannot open the chat.</small>
      </label>
      <FormFooter error={error} label="Create site" />
    </form>
  );
}
