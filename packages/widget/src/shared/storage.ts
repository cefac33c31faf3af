/** Storage access that never throws (Safari private mode, sandboxed iframes, disabled cookies). */

export type StorageKind = 'local' | 'session';

function area(kind: StorageKind): Storage | null {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

export function readItem(kind: StorageKind, key: string): string | null {
  try {
    return area(kind)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeItem(kind: StorageKind, key: string, value: string | null): void {
  try {
    const s = area(kind);
    if (!s) return;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    // quota or access errors: the widget keeps working from memory
  }
}

/** Every key the widget stores, scoped per site so two sites on one origin never mix identities. */
export function storageKeys(siteKey: string) {
  const p = `parley:${siteKey}:`;
  return {
    /** localStorage: the visitor's token (shared by all tabs). */
    token: `${p}token`,
    /** localStorage: "1" while the visitor has an open conversation (the loader preloads the app then). */
    open: `${p}open`,
    /** localStorage: "1" once the pre-chat form was answered. */
    preChat: `${p}prechat`,
    /** sessionStorage: unacknowledged outgoing messages. */
    outbox: `${p}outbox`,
  };
}
