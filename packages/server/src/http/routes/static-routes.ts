import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Store } from '../../store/store.js';
import { demoPage } from '../demo-page.js';
import { precompressedStatic, sendPrecompressed } from '../precompressed.js';

/** Any page may load the widget and its chunks. */
const CROSS_ORIGIN = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * The built widget (`/widget.js` + lazy chunks under `/widget/`), the console SPA under `/console/`,
 * and the demo host page at `/`. Build outputs go out pre-compressed (precompressed.ts); the demo page is
 * compressed on the fly like every other dynamic answer (http-app.ts).
 */
export function createStaticRouter(root: string, store: Store) {
  const router = Router();
  const widgetDir = path.join(root, 'packages/widget/dist');
  const consoleDir = path.join(root, 'packages/agent-console/dist');

  router.get('/widget.js', (req, res, next) => {
    if (!existsSync(path.join(widgetDir, 'widget.js'))) {
      res.status(503).type('text/plain').send('// widget not built: run `pnpm build`');
      return;
    }
    // not immutable: the loader's name is fixed, it names the hashed chunks of the current build
    sendPrecompressed(req, res, next, widgetDir, '/widget.js', { maxAge: 300_000, headers: CROSS_ORIGIN });
  });
  router.use('/widget', precompressedStatic(widgetDir, { immutable: true, maxAge: YEAR_MS, headers: CROSS_ORIGIN }));
  router.use('/console', precompressedStatic(consoleDir, { maxAge: 3600_000 }));
  // the SPA's entry for /console/ and its deep links; never cached, it names the hashed assets
  router.get(/^\/console(\/.*)?$/, (req, res, next) => {
    if (!existsSync(path.join(consoleDir, 'index.html'))) {
      res.status(503).type('text/plain').send('console not built: run `pnpm build`');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    sendPrecompressed(req, res, next, consoleDir, '/index.html');
  });
  router.get('/', async (_req, res) => {
    const [site] = await store.sites.list();
    res.type('html').send(demoPage(site?.key ?? ''));
  });
  return router;
}
