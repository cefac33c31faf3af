import type { CannedResponse, Role, Site } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import {
  type AgentRow,
  errorText,
  navigate,
  refreshAgents,
  refreshCanned,
  toast,
  useAppState,
} from '../state/index.js';
import { api } from '../transport/api.js';
import { Avatar, Icon } from './Icon.js';

type SiteWithSecret = Site & { identitySecret: string };

const SECTIONS = [
  { id: 'sites', label: 'Sites & widget' },
  { id: 'agents', label: 'Agents' },
  { id: 'canned', label: 'Canned responses' },
] as const;

export function Settings({ route }: { route: string }) {
  const section = route.split('/')[2] ?? 'sites';
  return (
    <div class="page settings">
      <div class="page-head">
        <div>
          <h1>Settings</h1>
          <p class="muted">Sites, the team and saved replies.</p>
        </div>
      </div>
      <div class="settings-layout">
        <nav class="subnav" aria-label="Settings sections">
          {SECTIONS.map((s) => (
            <a
              key={s.id}
              href={`/console/settings/${s.id}`}
              class={`subnav-link${section === s.id ? ' active' : ''}`}
              aria-current={section === s.id ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/settings/${s.id}`);
              }}
            >
              {s.label}
            </a>
          ))}
        </nav>
        <div class="settings-body">
          {section === 'agents' ? <Agents /> : section === 'canned' ? <Canned /> : <Sites />}
        </div>
      </div>
    </div>
  );
}

async function copy(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied`);
  } catch {
    toast('Copy failed — select the text and copy it by hand', 'error');
  }
}

// ---------------------------------------------------------------- sites

function Sites() {
  const [sites, setSites] = useState<Site[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = async () => {
    try {
      const { sites } = await api<{ sites: Site[] }>('/api/sites');
      setSites(sites);
      if (!selected && sites[0]) setSelected(sites[0].id);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  useEffect(() => {
    void load();
  }, []);
  return (
    <div class="split">
      <div class="split-list">
        <div class="split-list-head">
          <h2>Sites</h2>
          <button type="button" class="btn btn-sm" onClick={() => setCreating(true)}>
            <Icon name="plus" size={14} /> New site
          </button>
        </div>
        <ul class="plain-list">
          {sites.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                class={`list-item${selected === s.id && !creating ? ' active' : ''}`}
                onClick={() => {
                  setCreating(false);
                  setSelected(s.id);
                }}
              >
                <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                  <circle cx="6" cy="6" r="6" fill={s.settings.color} />
                </svg>
                <span class="list-item-text">
                  <strong>{s.name}</strong>
                  <span class="muted small mono">{s.key}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div class="split-detail">
        {creating ? (
          <NewSite
            onCreated={async (site) => {
              setCreating(false);
              setSelected(site.id);
              await load();
            }}
          />
        ) : selected ? (
          <SiteEditor key={selected} id={selected} onSaved={load} />
        ) : (
          <p class="muted">No sites yet.</p>
        )}
      </div>
    </div>
  );
}

function originsFrom(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

function NewSite({ onCreated }: { onCreated: (site: SiteWithSecret) => void }) {
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const site = await api<SiteWithSecret>('/api/sites', {
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
          maxLength={120}
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

function SiteEditor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const [site, setSite] = useState<SiteWithSecret | null>(null);
  const [draft, setDraft] = useState({
    name: '',
    origins: '',
    color: '#4f46e5',
    position: 'right',
    greeting: '',
    preChat: false,
  });
  const [showSecret, setShowSecret] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    void (async () => {
      try {
        const { site } = await api<{ site: SiteWithSecret }>(`/api/sites/${encodeURIComponent(id)}`);
        setSite(site);
        setDraft({
          name: site.name,
          origins: site.allowedOrigins.join('\n'),
          color: site.settings.color,
          position: site.settings.position,
          greeting: site.settings.greeting,
          preChat: site.settings.preChat,
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
      const { site: saved } = await api<{ site: SiteWithSecret }>(`/api/sites/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: {
          name: draft.name.trim(),
          allowedOrigins: originsFrom(draft.origins),
          settings: {
            color: draft.color,
            position: draft.position,
            greeting: draft.greeting.trim(),
            preChat: draft.preChat,
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
            maxLength={120}
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
            maxLength={500}
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

// ---------------------------------------------------------------- agents

function Agents() {
  const s = useAppState();
  const [form, setForm] = useState({ name: '', email: '', password: '', role: 'agent' as Role, maxChats: 5 });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refreshAgents();
  }, []);
  const patch = async (agent: AgentRow, body: Record<string, unknown>, done: string) => {
    try {
      await api(`/api/agents/${encodeURIComponent(agent.id)}`, { method: 'PATCH', body });
      toast(done);
      await refreshAgents();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('/api/agents', {
        body: { ...form, name: form.name.trim(), email: form.email.trim(), maxChats: Number(form.maxChats) },
      });
      toast(`${form.name} can now log in`);
      setForm({ name: '', email: '', password: '', role: 'agent', maxChats: 5 });
      await refreshAgents();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="stack">
      <div class="panel">
        <h2>Team</h2>
        <table class="table" aria-label="Agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Role</th>
              <th scope="col">Max chats</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {s.agents.map((a) => (
              <tr key={a.id} class={a.active ? '' : 'inactive'} data-agent={a.email}>
                <td>
                  <span class="agent-cell">
                    <Avatar name={a.name} seed={a.id} size={28} />
                    <span>
                      <strong>{a.name}</strong>
                      <span class="muted small block">{a.email}</span>
                    </span>
                  </span>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${a.name}`}
                    value={a.role}
                    disabled={a.id === s.me?.id}
                    onChange={(e) =>
                      void patch(a, { role: (e.currentTarget as HTMLSelectElement).value }, 'Role updated')
                    }
                  >
                    <option value="agent">Agent</option>
                    <option value="supervisor">Supervisor</option>
                    <option value="admin">Admin</option>
                  </select>
                </td>
                <td>
                  <input
                    type="number"
                    class="narrow"
                    min={1}
                    max={50}
                    aria-label={`Max chats of ${a.name}`}
                    value={a.maxChats}
                    onChange={(e) => {
                      const n = Number((e.currentTarget as HTMLInputElement).value);
                      if (n >= 1 && n <= 50) void patch(a, { maxChats: n }, 'Capacity updated');
                    }}
                  />
                </td>
                <td>
                  {a.active ? (
                    <span class={`status-pill status-${a.status}`}>
                      <span class={`dot dot-${a.status}`} aria-hidden="true" /> {a.status} · {a.load}
                    </span>
                  ) : (
                    <span class="pill pill-closed">Deactivated</span>
                  )}
                </td>
                <td class="actions">
                  {a.id !== s.me?.id &&
                    (a.active ? (
                      <button
                        type="button"
                        class="btn btn-sm btn-danger-ghost"
                        onClick={() => void patch(a, { active: false }, `${a.name} deactivated`)}
                      >
                        Deactivate
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="btn btn-sm"
                        onClick={() => void patch(a, { active: true }, `${a.name} reactivated`)}
                      >
                        Reactivate
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="panel form-grid" onSubmit={create} aria-labelledby="new-agent-title">
        <h2 id="new-agent-title" class="span-2">
          Add an agent
        </h2>
        <label class="field">
          <span>Name</span>
          <input
            name="agent-name"
            required
            maxLength={120}
            value={form.name}
            onInput={(e) => setForm({ ...form, name: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Email</span>
          <input
            name="agent-email"
            type="email"
            required
            value={form.email}
            onInput={(e) => setForm({ ...form, email: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Initial password</span>
          <input
            name="agent-password"
            type="password"
            required
            minLength={8}
            autocomplete="new-password"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <div class="form-grid inner">
          <label class="field">
            <span>Role</span>
            <select
              name="agent-role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: (e.currentTarget as HTMLSelectElement).value as Role })}
            >
              <option value="agent">Agent</option>
              <option value="supervisor">Supervisor</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <label class="field">
            <span>Max chats</span>
            <input
              name="agent-max"
              type="number"
              min={1}
              max={50}
              value={form.maxChats}
              onInput={(e) => setForm({ ...form, maxChats: Number((e.currentTarget as HTMLInputElement).value) })}
            />
          </label>
        </div>
        <FormFooter error={error} label="Add agent" wide />
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- canned

function Canned() {
  const s = useAppState();
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refreshCanned();
  }, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('/api/canned', { body: { shortcut: shortcut.replace(/^\//, '').trim(), text: text.trim() } });
      toast(`/${shortcut.replace(/^\//, '')} saved`);
      setShortcut('');
      setText('');
      await refreshCanned();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="stack">
      <div class="panel">
        <h2>Canned responses</h2>
        <p class="muted small">
          Type <kbd>/</kbd> and the shortcut in the composer. <code>{'{name}'}</code> becomes the visitor’s first name.
        </p>
        {s.canned.length === 0 && <p class="muted">No canned responses yet.</p>}
        <ul class="canned-list">
          {s.canned.map((c) => (
            <CannedItem key={c.id} c={c} />
          ))}
        </ul>
      </div>
      <form class="panel" onSubmit={create} aria-labelledby="new-canned-title">
        <h2 id="new-canned-title">New canned response</h2>
        <div class="form-grid">
          <label class="field">
            <span>Shortcut</span>
            <span class="prefix-input">
              <span aria-hidden="true">/</span>
              <input
                name="canned-shortcut"
                required
                maxLength={32}
                pattern="/?[A-Za-z0-9][A-Za-z0-9_\-]*"
                value={shortcut}
                onInput={(e) => setShortcut((e.currentTarget as HTMLInputElement).value)}
              />
            </span>
          </label>
          <label class="field span-2">
            <span>Text</span>
            <textarea
              name="canned-text"
              required
              rows={3}
              maxLength={5000}
              value={text}
              onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            />
          </label>
        </div>
        <FormFooter error={error} label="Save response" />
      </form>
    </div>
  );
}

function CannedItem({ c }: { c: CannedResponse }) {
  const [editing, setEditing] = useState(false);
  const [shortcut, setShortcut] = useState(c.shortcut);
  const [text, setText] = useState(c.text);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api(`/api/canned/${encodeURIComponent(c.id)}`, { method: 'PATCH', body: { shortcut, text } });
      toast('Saved');
      setEditing(false);
      await refreshCanned();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const remove = async () => {
    try {
      await api(`/api/canned/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
      toast(`/${c.shortcut} deleted`);
      await refreshCanned();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  if (editing)
    return (
      <li class="canned-item editing">
        <form onSubmit={save} class="canned-edit">
          <input
            aria-label="Shortcut"
            value={shortcut}
            onInput={(e) => setShortcut((e.currentTarget as HTMLInputElement).value)}
          />
          <textarea
            aria-label="Text"
            rows={3}
            value={text}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <div class="form-actions">
            <button type="button" class="btn btn-ghost btn-sm" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary btn-sm">
              Save
            </button>
          </div>
        </form>
      </li>
    );
  return (
    <li class="canned-item">
      <code class="shortcut">/{c.shortcut}</code>
      <p>{c.text}</p>
      <div class="canned-actions">
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="btn btn-ghost btn-sm"
          aria-label={`Delete /${c.shortcut}`}
          onClick={() => void remove()}
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
    </li>
  );
}

/** A form's error line (announced) and its submit button. */
function FormFooter(props: { error: string | null; label: string; disabled?: boolean; wide?: boolean }) {
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
