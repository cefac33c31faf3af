import type { PublicSiteConfig } from '@parley/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { Coordinator } from '../../coord/coordinator.js';
import { refuse } from '../../domain/errors.js';
import type { SiteCache } from '../../domain/site-cache.js';
import { parse } from '../error-handler.js';

const configQuery = z.object({ siteKey: z.string().min(1).max(64) });

/** Public, cacheable widget settings for a site (colors, greeting, whether anyone is online). */
export function widgetRoutes(sites: SiteCache, coord: Coordinator) {
  const router = Router();
  router.get('/api/widget/config', async (req, res) => {
    const { siteKey } = parse(configQuery, req.query);
    const site = await sites.byKey(siteKey);
    if (!site) throw refuse('unknown_site', 'unknown site key');
    const agentsOnline = (await coord.allPresence()).some((p) => p.connected && p.status === 'online');
    const body: PublicSiteConfig = { key: site.key, name: site.name, ...site.settings, agentsOnline };
    res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
