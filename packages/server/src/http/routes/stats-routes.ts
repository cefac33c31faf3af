import { type LiveStats, schemas } from '@parley/protocol';
import { Router } from 'express';
import type { Coordinator } from '../../coord/coordinator.js';
import type { AuthService } from '../../domain/auth-service.js';
import type { Store } from '../../store/store.js';
import { requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

const DAY = 86_400_000;

/** Supervisor dashboard numbers: a chosen period (default: the last 7 days) and the live floor. */
export function statsRoutes(store: Store, auth: AuthService, coord: Coordinator) {
  const router = Router();
  router.get('/api/stats', requireAgent(auth, 'supervisor', 'admin'), async (req, res) => {
    const query = parse(schemas.statsQuery, req.query);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
    if (from >= to) {
      res.status(400).json({ error: { code: 'invalid_payload', message: 'from must be before to' } });
      return;
    }
    if (to.getTime() - from.getTime() > 400 * DAY) {
      res.status(400).json({ error: { code: 'invalid_payload', message: 'the period may span at most 400 days' } });
      return;
    }
    res.json(await store.stats.period(from, to));
  });
  router.get('/api/stats/live', requireAgent(auth, 'supervisor', 'admin'), async (_req, res) => {
    const [live, agents, loads] = await Promise.all([store.stats.live(), store.agents.list(), store.agents.loads()]);
    const body: LiveStats = {
      ...live,
      agents: await Promise.all(
        agents
          .filter((a) => a.active)
          .map(async (a) => {
            const presence = await coord.presence(a.id);
            return {
              id: a.id,
              name: a.name,
              role: a.role,
              status: presence.connected ? presence.status : ('offline' as const),
              load: loads.get(a.id) ?? 0,
              maxChats: a.maxChats,
            };
          }),
      ),
      at: new Date().toISOString(),
    };
    res.json(body);
  });
  return router;
}
