import { setTitleCount } from '../alerts.js';
import { markActiveRead } from './actions.js';
import { appStore } from './app.js';
import { typingExpired } from './reducers.js';
import { startRouter } from './router.js';
import { titleCount } from './selectors.js';
import { boot } from './session.js';

/**
 * Starts the console (main.tsx): routing, the tab title, the typing sweep, the visibility listener, then the
 * session. Nothing in state/ runs on import; this is the one place that starts things.
 */
export function startConsole(): () => void {
  const stopRouter = startRouter();
  const stopTitle = appStore.subscribe((s) => setTitleCount(titleCount(s)));
  const sweep = setInterval(() => appStore.set((s) => typingExpired(s, Date.now())), 2000);
  document.addEventListener('visibilitychange', markActiveRead);
  void boot();
  return () => {
    stopRouter();
    stopTitle();
    clearInterval(sweep);
    document.removeEventListener('visibilitychange', markActiveRead);
  };
}
