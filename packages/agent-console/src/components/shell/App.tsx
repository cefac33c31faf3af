import { useEffect } from 'preact/hooks';
import { unlockAlerts } from '../../alerts.js';
import { canSupervise, openConversation, useAppState, useRoute } from '../../state/index.js';
import { Dashboard } from '../dashboard/Dashboard.js';
import { HelpOverlay } from '../Help.js';
import { Inbox } from '../inbox/Inbox.js';
import { Login } from '../Login.js';
import { Settings } from '../settings/Settings.js';
import { Toasts } from '../Toasts.js';
import { Forbidden } from './Forbidden.js';
import { NavRail } from './NavRail.js';
import { TopBar } from './TopBar.js';
import { useShortcuts } from './use-shortcuts.js';

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
      {/* With a conversation open, the conversation shows the toasts above its composer (conversation/ConversationView.tsx). */}
      {!(section === 'inbox' && s.activeId && s.items[s.activeId]) && <Toasts s={s} />}
    </div>
  );
}
