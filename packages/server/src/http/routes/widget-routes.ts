import type { RestRoute } from '@parley/protocol';
import type { Coordinator } from '../../coord/coordinator.js';
import { refuse } from '../../domain/errors.js';
import type { SiteCache } from '../../domain/site-cache.js';
import type { RestHandlers } from '../rest-router.js';

/** Public widget settings for a site (colors, greeting, whether anyone is online); any page may read them. */
export function widgetHandlers(sites: SiteCache, coord: Coordinator) {
  return {
    'GET /api/widget/config': async ({ query, res }) => {
      const site = await sites.byKey(query.siteKey);
      if (!site) throw refuse('unknown_site', 'unknown site key');
      const agentsOnline = (await coord.allPresence()).some((p) => p.connected && p.status === 'online');
      res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'no-store');
      // Business hours: filled in by the hours work (issue 19); always open until then.
      return { key: site.key, name: site.name, ...site.settings, agentsOnline, open: true, nextOpenAt: null };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
