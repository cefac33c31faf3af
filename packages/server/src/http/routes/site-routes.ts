import type { RestRoute } from '@parley/protocol';
import { refuse } from '../../domain/errors.js';
import type { SiteCache } from '../../domain/site-cache.js';
import type { Store } from '../../store/store.js';
import type { RestHandlers } from '../rest-router.js';

export function siteHandlers(store: Store, sites: SiteCache) {
  return {
    'GET /api/sites': async () => ({ sites: await store.sites.list() }),
    /** Admins also get the identity-verification secret. */
    'GET /api/sites/:id': async ({ params }) => {
      const site = await store.sites.byId(String(params.id));
      if (!site) throw refuse('not_found', 'no such site');
      return { site };
    },
    'POST /api/sites': ({ body }) => store.sites.create(body),
    'PATCH /api/sites/:id': async ({ params, body }) => {
      const site = await store.sites.update(String(params.id), body);
      if (!site) throw refuse('not_found', 'no such site');
      sites.invalidate();
      return { site };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
