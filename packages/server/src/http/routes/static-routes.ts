import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { Store } from '../../store/store.js';
import { demoPage } from '../demo-page.js';

/**
 * The built widget (`/widget.js` + lazy chunks under `/widget/`), the console SPA under `/console/`,
 * and the demo host page at `/`.
 */
export function staticRoutes(root: string, store: Store) {
  const router = Router();
  const widgetDir = path.join(root, 'packages/widget/dist');
  const consoleDir = path.join(root, 'packages/agent-console/dist');
  const cors = (res: express.Response) =>
    res.set('Access-Control-Allow-Origin', '*').set('Cross-Origin-Resource-Policy', 'cross-origin');

  router.get('/widget.js', (_req, res) => {
    const file = path.join(widgetDir, 'widget.js');
    if (!existsSync(file)) {
      res.status(503).type('text/plain').send('// widget not built: run `pnpm build`');
      return;
    }
    cors(res).set('Cache-Control', 'public, max-age=300').sendFile(file);
  });
  router.use(
    '/widget',
    express.static(widgetDir, {
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );
  router.use('/console', express.static(consoleDir, { index: 'index.html', maxAge: '1h' }));
  router.get(/^\/console(\/.*)?$/, (_req, res) => {
    const index = path.join(consoleDir, 'index.html');
    if (existsSync(index)) res.set('Cache-Control', 'no-cache').sendFile(index);
    else res.status(503).type('text/plain').send('console not built: run `pnpm build`');
  });
  router.get('/', async (_req, res) => {
    const [site] = await store.sites.list();
    res.type('html').send(demoPage(site?.key ?? ''));
  });
  return router;
}
