import { navigate } from '../../state/index.js';
import { Agents } from './Agents.js';
import { Canned } from './Canned.js';
import { Sites } from './Sites.js';

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
