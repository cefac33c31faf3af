import type { Site } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText, toast } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { Icon } from '../Icon.js';
import { NewSite } from './NewSite.js';
import { SiteEditor } from './SiteEditor.js';

export function Sites() {
  const [sites, setSites] = useState<Site[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = async () => {
    try {
      const { sites } = await api('GET /api/sites');
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
