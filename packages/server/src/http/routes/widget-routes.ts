import type { RestRoute } from '@parley/protocol';
import type { Coordinator } from '../../coord/coordinator.js';
import { siteOpenness } from '../../domain/business-hours.js';
import type { Clock } from '../../domain/clock.js';
import { refuse } from '../../domain/errors.js';
import type { SiteCache } from '../../domain/site-cache.js';
import type { RestHandlers } from '../rest-router.js';

/**
 * Public widget settings for a site (colors, greeting, whether anyone is online, whether it is inside its
 * business hours by the server's clock); any page may read them.
 */
export function widgetHandlers(sites: SiteCache, coord: Coordinator, clock: Clock) {
  return {
    'GET /api/widget/config': async ({ query, res }) => {
      const site = await sites.byKey(query.siteKey);
      if (!site) throw refuse('unknown_site', 'unknown site key');
      const agentsOnline = (await coord.allPresence()).some((p) => p.connected && p.status === 'online');
      res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'no-store');
      return { key: site.key, name: site.name, ...site.settings, agentsOnline, ...siteOpenness(site.settings, clock) };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
