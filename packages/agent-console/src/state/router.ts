import { signal } from '@preact/signals';

/**
 * Routing under /console/: the path after the base is a signal, so a component that reads it re-renders on
 * navigation. Actions navigate too (opening a conversation, signing out), hence a module rather than a
 * provider component.
 */

const BASE = '/console';

const path = signal('/inbox');

export function currentPath(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return p === '' || p === '/' ? '/inbox' : p;
}

export function navigate(to: string) {
  const target = `${BASE}${to}`;
  if (location.pathname !== target) history.pushState(null, '', target);
  path.value = currentPath();
}

/** The current path (e.g. `/inbox/<id>`), for a component. */
export function useRoute(): string {
  return path.value;
}

/** Follows the address bar (back, forward); returns the function that stops. */
export function startRouter(): () => void {
  const sync = () => {
    path.value = currentPath();
  };
  sync();
  window.addEventListener('popstate', sync);
  return () => window.removeEventListener('popstate', sync);
}
