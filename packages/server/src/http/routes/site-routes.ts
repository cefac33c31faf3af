import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import { refuse } from '../../domain/errors.js';
import type { SiteCache } from '../../domain/site-cache.js';
import type { Store } from '../../store/store.js';
import { requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

export function siteRoutes(store: Store, auth: AuthService, sites: SiteCache) {
  const router = Router();
  router.get('/api/sites', requireAgent(auth), async (_req, res) => {
    res.json({ sites: await store.sites.list() });
  });
  /** Admins also get the identity-verification secret. */
  router.get('/api/sites/:id', requireAgent(auth, 'admin'), async (req, res) => {
    const site = await store.sites.byId(String(req.params.id));
    if (!site) throw refuse('not_found', 'no such site');
    res.json({ site });
  });
  router.post('/api/sites', requireAgent(auth, 'admin'), async (req, res) => {
    const body = parse(schemas.createSiteBody, req.body);
    res.status(201).json(await store.sites.create(body));
  });
  router.patch('/api/sites/:id', requireAgent(auth, 'admin'), async (req, res) => {
    const body = parse(schemas.updateSiteBody, req.body);
    const site = await store.sites.update(String(req.params.id), body);
    if (!site) throw refuse('not_found', 'no such site');
    sites.invalidate();
    res.json({ site });
  });
  return router;
}
