import type { ErrorCode } from '@parley/protocol';
import type { SiteWithSecret } from '../store/sites-repo.js';
import type { Store } from '../store/store.js';

/** Socket.IO connect_error carrying our stable code as its message (the contract) and in `data`. */
export function connectError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

/** Sites looked up by key on every visitor handshake, cached briefly. */
export function siteCache(store: Store, ttlMs = 5000) {
  const cache = new Map<string, { site: SiteWithSecret | null; at: number }>();
  return {
    async byKey(key: string): Promise<SiteWithSecret | null> {
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.site;
      const site = await store.sites.byKey(key);
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { site, at: Date.now() });
      return site;
    },
    invalidate() {
      cache.clear();
    },
  };
}

export type SiteCache = ReturnType<typeof siteCache>;
