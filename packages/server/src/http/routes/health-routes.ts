import { createHash, timingSafeEqual } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { refuse } from '../../domain/errors.js';
import type { HttpDeps } from '../http-app.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

const digest = (value: string) => createHash('sha256').update(value).digest();

/** With PARLEY_METRICS_TOKEN set, `/metrics` needs `Authorization: Bearer <it>` (compared in constant time). */
function metricsAuth(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const expected = digest(`Bearer ${token}`);
  return (req, _res, next) => {
    if (!timingSafeEqual(digest(req.get('authorization') ?? ''), expected))
      throw refuse('unauthorized', 'metrics need the bearer token set in PARLEY_METRICS_TOKEN');
    next();
  };
}

/**
 * Liveness, readiness and metrics; then, for every other route, a gate: until bootstrap is done (first
 * admin, default site) the server is not usable, and a login, the demo page or anything else answers
 * 503 `unavailable` rather than a misleading 401 or an empty site key.
 */
export function createHealthRouter(
  d: Pick<HttpDeps, 'store' | 'coord' | 'metrics' | 'config' | 'isStopping' | 'isReady'>,
) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = { bootstrapped: d.isReady(), store: false, coordination: false };
    checks.store = await within(d.store.db.ping(), 2000).catch(() => false);
    checks.coordination = await within(d.coord.ping(), 2000).catch(() => false);
    const ready = checks.bootstrapped && checks.store && checks.coordination && !d.isStopping();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', metricsAuth(d.config.metricsToken), async (_req, res) => {
    res.set('Content-Type', d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });
  router.use((_req, _res, next) => {
    if (!d.isReady()) throw refuse('unavailable', 'the server is starting; retry in a moment');
    next();
  });
  return router;
}
