import { useEffect } from 'preact/hooks';
import {
  acceptConversation,
  canSupervise,
  closeConversation,
  getState,
  navigate,
  openWaiting,
  setState,
  setStatus,
} from '../../state/index.js';

function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

/** Global keyboard shortcuts (listed in the help overlay). Uses `code` so Alt+letter works on macOS too. */
export function useShortcuts() {
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
