import { Router } from 'express';
import type { EmailLinks } from '../../domain/email-links.js';
import type { Store } from '../../store/store.js';
import { expiredLinkPage, resumePage, unavailablePage } from '../demo-page.js';

/**
 * `GET /r/:token`: a magic link from an email. A genuine, unexpired link answers a page that loads the
 * widget with the link (`data-resume`), which reopens the conversation in this browser; any other token
 * answers 410 "This link has expired". The token is in the URL: never stored, never sent on as a referrer.
 */
export function createResumeRouter(links: EmailLinks, store: Store) {
  const router = Router();
  // No route parameter: a token is plain ASCII, and a malformed escape (`%ff`) must meet the same friendly page.
  router.get(/^\/r\/[^/]+$/, async (req, res) => {
    const token = req.path.slice('/r/'.length);
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).type('html');
    try {
      const link = links.verify(token);
      const site = link ? await store.sites.byId(link.siteId) : null;
      if (!link || !site) {
        res.status(410).send(expiredLinkPage());
        return;
      }
      res.send(resumePage(site.name, site.key, token));
    } catch {
      res.status(503).send(unavailablePage());
    }
  });
  return router;
}
