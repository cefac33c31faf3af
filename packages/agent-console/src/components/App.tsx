import { useEffect, useState } from 'preact/hooks';
import { notificationPermission, unlockAlerts } from '../alerts.js';
import {
  acceptConversation,
  canSupervise,
  closeConversation,
  getState,
  listFor,
  logout,
  myLoad,
  navigate,
  openConversation,
  openWaiting,
  type State,
  setState,
  setStatus,
  useAppState,
  useRoute,
} from '../state/index.js';
import { Dashboard } from './Dashboard.js';
import { HelpOverlay } from './Help.js';
import { Avatar, Icon } from './Icon.js';
import { Inbox } from './Inbox.js';
import { Login } from './Login.js';
import { Settings } from './settings/Settings.js';
import { Toasts } from './Toasts.js';

export function App() {
  const s = useAppState();
  const route = useRoute();
  useShortcuts();
  useEffect(() => {
    const unlock = () => void unlockAlerts(false);
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);
  // Deep links: /console/inbox/<id>
  useEffect(() => {
    if (!s.me) return;
    const match = /^\/inbox\/([\w-]{1,64})$/.exec(route);
    if (match && match[1] !== s.activeId) openConversation(match[1]!, false);
  }, [route, s.me]);

  if (s.booting) return <div class="boot" aria-busy="true" />;
  if (!s.me) return <Login notice={s.signedOut} />;
  const section = route.startsWith('/dashboard') ? 'dashboard' : route.startsWith('/settings') ? 'settings' : 'inbox';
  return (
    <div class="shell">
      <NavRail section={section} s={s} />
      <div class="main">
        <TopBar s={s} />
        {section === 'inbox' && <Inbox />}
        {section === 'dashboard' && (canSupervise() ? <Dashboard /> : <Forbidden />)}
        {section === 'settings' && (s.me.role === 'admin' ? <Settings route={route} /> : <Forbidden />)}
      </div>
      {s.helpOpen && <HelpOverlay />}
      {/* With a conversation open, the conversation shows the toasts above its composer (Conversation.tsx). */}
      {!(section === 'inbox' && s.activeId && s.items[s.activeId]) && <Toasts s={s} />}
    </div>
  );
}

function Forbidden() {
  return (
    <div class="empty">
      <h2>Not available</h2>
      <p class="muted">This page needs a supervisor or admin role.</p>
    </div>
  );
}

function NavRail({ section, s }: { section: string; s: State }) {
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

function TopBar({ s }: { s: State }) {
  const me = s.me!;
  const load = myLoad(s);
  const [permission, setPermission] = useState(notificationPermission());
  return (
    <header class="topbar">
      <div class="topbar-title">
        <span class={`conn conn-${s.connection}`} role="status">
          {s.connection === 'connected' ? 'Live' : s.connection === 'connecting' ? 'Connecting…' : 'Offline — retrying'}
        </span>
      </div>
      <div class="topbar-right">
        {permission === 'default' && (
          <button
            type="button"
            class="btn btn-ghost btn-sm"
            onClick={async () => setPermission(await unlockAlerts(true))}
            title="Desktop notifications for new conversations and messages"
            aria-label="Enable notifications"
          >
            <Icon name="bell" size={16} /> <span class="wide-only">Enable notifications</span>
          </button>
        )}
        <div class="load" title="Open conversations / your maximum" data-testid="load">
          <meter min={0} max={me.maxChats} value={load} aria-label="Your load" />
          <span>
            {load} / {me.maxChats} chats
          </span>
        </div>
        <fieldset class="status-toggle" aria-label="Your status">
          <legend class="sr-only">Your status</legend>
          <button
            type="button"
            class={s.status === 'online' ? 'on online' : ''}
            aria-pressed={s.status === 'online'}
            onClick={() => void setStatus('online')}
          >
            <span class="dot dot-online" aria-hidden="true" /> Online
          </button>
          <button
            type="button"
            class={s.status === 'away' ? 'on away' : ''}
            aria-pressed={s.status === 'away'}
            onClick={() => void setStatus('away')}
            title="On a break: no new conversations are routed to you"
          >
            <span class="dot dot-away" aria-hidden="true" /> Away
          </button>
        </fieldset>
        <div class="me">
          <Avatar name={me.name} seed={me.id} size={30} />
          <div class="me-text">
            <strong>{me.name}</strong>
            <span class="muted">{me.role}</span>
          </div>
        </div>
      </div>
    </header>
  );
}

function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

/** Global keyboard shortcuts (listed in the help overlay). Uses `code` so Alt+letter works on macOS too. */
function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = getState();
      if (!s.me) return;
      if (e.key === 'Escape') {
        if (s.helpOpen || s.transferOpen || s.blockOpen) {
          setState({ helpOpen: false, transferOpen: false, blockOpen: false });
          e.preventDefault();
        } else if (s.detailsOpen) {
          setState({ detailsOpen: false });
          document.querySelector<HTMLButtonElement>('#details-toggle')?.focus();
          e.preventDefault();
        }
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const active = s.activeId ? s.items[s.activeId] : undefined;
        switch (e.code) {
          case 'ArrowDown':
          case 'ArrowUp':
            navigateInbox();
            openWaiting(e.code === 'ArrowDown' ? 1 : -1);
            break;
          case 'KeyC':
            if (active && active.status !== 'closed') void closeConversation(active.id);
            break;
          case 'KeyT':
            if (active && active.status === 'assigned') setState({ transferOpen: true });
            break;
          case 'KeyA':
            if (active && active.status === 'queued') void acceptConversation(active.id);
            break;
          case 'KeyN':
            setState({ composerMode: s.composerMode === 'note' ? 'reply' : 'note' });
            document.querySelector<HTMLTextAreaElement>('#composer-input')?.focus();
            break;
          case 'Digit1':
            setState({ tab: 'queue' });
            break;
          case 'Digit2':
            setState({ tab: 'mine' });
            break;
          case 'Digit3':
            if (canSupervise()) setState({ tab: 'all' });
            break;
          case 'KeyS':
            void setStatus(s.status === 'online' ? 'away' : 'online');
            break;
          default:
            return;
        }
        e.preventDefault();
        return;
      }
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey) return;
      if (e.key === '?') {
        setState({ helpOpen: !s.helpOpen });
        e.preventDefault();
      } else if (e.key === '/' && s.activeId) {
        const input = document.querySelector<HTMLTextAreaElement>('#composer-input');
        if (input) {
          e.preventDefault();
          input.focus();
          if (!input.value) {
            input.value = '/';
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function navigateInbox() {
  if (!location.pathname.startsWith('/console/inbox')) navigate('/inbox');
}
