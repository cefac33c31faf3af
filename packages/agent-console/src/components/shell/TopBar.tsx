import { useState } from 'preact/hooks';
import { notificationPermission, unlockAlerts } from '../../alerts.js';
import { myLoad, type State, setEmailNotifications, setStatus } from '../../state/index.js';
import { Avatar, Icon } from '../Icon.js';

export function TopBar({ s }: { s: State }) {
  const me = s.me!;
  const load = myLoad(s);
  const [permission, setPermission] = useState(notificationPermission());
  const emailOn = me.emailNotifications !== false;
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
        <button
          type="button"
          role="switch"
          aria-checked={emailOn}
          class={`btn btn-ghost btn-sm email-toggle${emailOn ? ' on' : ''}`}
          onClick={() => void setEmailNotifications(!emailOn)}
          title="Email me about chats assigned to me while I am offline"
          data-testid="email-notifications"
        >
          <Icon name="mail" size={16} /> <span class="wide-only">Email when offline</span>
        </button>
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
