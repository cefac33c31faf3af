import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import { refuse } from '../../domain/errors.js';
import { isUniqueViolation } from '../../store/sql.js';
import type { Store } from '../../store/store.js';
import { requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

const taken = () => refuse('conflict', 'a canned response with this shortcut exists');

/** Canned responses: every agent reads them (for `/shortcut` in the composer); admins write them. */
export function cannedRoutes(store: Store, auth: AuthService) {
  const router = Router();
  router.get('/api/canned', requireAgent(auth), async (_req, res) => {
    res.json({ canned: await store.canned.list() });
  });
  router.post('/api/canned', requireAgent(auth, 'admin'), async (req, res) => {
    const body = parse(schemas.createCannedBody, req.body);
    try {
      res.status(201).json({ canned: await store.canned.create(body) });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  });
  router.patch('/api/canned/:id', requireAgent(auth, 'admin'), async (req, res) => {
    const body = parse(schemas.updateCannedBody, req.body);
    try {
      const canned = await store.canned.update(String(req.params.id).slice(0, 64), body);
      if (!canned) throw refuse('not_found', 'no such canned response');
      res.json({ canned });
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  });
  router.delete('/api/canned/:id', requireAgent(auth, 'admin'), async (req, res) => {
    if (!(await store.canned.remove(String(req.params.id).slice(0, 64))))
      throw refuse('not_found', 'no such canned response');
    res.status(204).end();
  });
  return router;
}
