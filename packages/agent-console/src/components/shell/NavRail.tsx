import { canSupervise, listFor, logout, navigate, type State, setState } from '../../state/index.js';
import { Icon } from '../Icon.js';

export function NavRail({ section, s }: { section: string; s: State }) {
  const supervisor = canSupervise();
  const unread = listFor('mine', s).reduce((n, c) => n + (s.summaries[c.id]?.unread ?? 0), 0);
  const link = (id: string, path: string, icon: 'inbox' | 'chart' | 'settings', label: string, badge = 0) => (
    <a
      href={`/console${path}`}
      class={`rail-link${section === id ? ' active' : ''}`}
      aria-current={section === id ? 'page' : undefined}
      title={label}
      onClick={(e) => {
        e.preventDefault();
        navigate(path);
      }}
    >
      <Icon name={icon} size={20} />
      {/* The name is text, not aria-label: it must contain what the link shows (the unread count). */}
      <span class="sr-only">{label}</span>
      {badge > 0 && (
        <span class="rail-badge">
          {badge > 99 ? '99+' : badge}
          <span class="sr-only"> unread</span>
        </span>
      )}
    </a>
  );
  return (
    <nav class="rail" aria-label="Main">
      <div class="rail-logo" aria-hidden="true">
        <svg width="30" height="30" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="9" fill="#4f46e5" />
          <path
            d="M9 11.5A3.5 3.5 0 0 1 12.5 8h7A3.5 3.5 0 0 1 23 11.5v5a3.5 3.5 0 0 1-3.5 3.5H15l-4.2 3.4c-.5.4-1.3 0-1.3-.6V20.4A3.5 3.5 0 0 1 9 17z"
            fill="#fff"
          />
        </svg>
      </div>
      {link('inbox', s.activeId ? `/inbox/${s.activeId}` : '/inbox', 'inbox', 'Inbox', unread)}
      {supervisor && link('dashboard', '/dashboard', 'chart', 'Dashboard')}
      {s.me?.role === 'admin' && link('settings', '/settings/sites', 'settings', 'Settings')}
      <div class="rail-spacer" />
      <button
        type="button"
        class="rail-link"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={() => setState({ helpOpen: true })}
      >
        <Icon name="keyboard" size={20} />
      </button>
      <button type="button" class="rail-link" aria-label="Log out" title="Log out" onClick={() => void logout()}>
        <Icon name="logout" size={20} />
      </button>
    </nav>
  );
}
