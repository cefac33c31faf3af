import { Router } from 'express';
import type { Coordinator } from '../../coord/coordinator.js';
import type { Metrics } from '../../metrics.js';
import type { Store } from '../../store/store.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

export function healthRoutes(store: Store, coord: Coordinator, metrics: Metrics, isStopping: () => boolean) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = { store: false, coordination: false };
    checks.store = await within(store.db.ping(), 2000).catch(() => false);
    checks.coordination = await within(coord.ping(), 2000).catch(() => false);
    const ready = checks.store && checks.coordination && !isStopping();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
