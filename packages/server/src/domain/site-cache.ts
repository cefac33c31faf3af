import type { SiteWithSecret } from '@parley/protocol';
import type { Store } from '../store/store.js';

/** Sites looked up by key on every visitor handshake and widget config request, cached briefly. */
export class SiteCache {
  private readonly cache = new Map<string, { site: SiteWithSecret | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5000,
  ) {}

  async byKey(key: string): Promise<SiteWithSecret | null> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.site;
    const site = await this.store.sites.byKey(key);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { site, at: Date.now() });
    return site;
  }

  /** After a site changed: the next lookups read the store. */
  invalidate(): void {
    this.cache.clear();
  }
}
