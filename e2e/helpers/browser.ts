import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';

/** Chromium for the e2e suites, plus a tiny third-party "host page" server that embeds the widget. */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * true when Chromium can run. Without it: a failure on CI (CI=true), a loud skip elsewhere.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`[e2e] ${message}: browser tests cannot run on CI without it`);
  console.warn(`\n${'!'.repeat(100)}\n[e2e] SKIPPING BROWSER TESTS — ${message}\n${'!'.repeat(100)}\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** CSS a careless or hostile site might ship; none of it may reach inside the widget. */
export const HOSTILE_CSS = `
* { all: unset; }
html, body { display: block; font-family: Georgia, serif; color: #b00; background: #fffbe6; }
button { display: none !important; }
div { font-size: 40px; line-height: 3; color: red !important; }
textarea, input { visibility: hidden !important; }
[data-parley] { display: none !important; }
svg { width: 400px !important; }
`;

const PLAIN_CSS = `
body { margin: 0; font: 16px/1.6 system-ui, sans-serif; color: #1f2328; background: #f6f7f9; }
nav { display: flex; gap: 24px; align-items: center; padding: 18px 40px; background: #fff; border-bottom: 1px solid #e5e7eb; font-weight: 600; }
nav span { color: #6b7280; font-weight: 500; }
main { max-width: 760px; margin: 56px auto; padding: 0 24px; }
h1 { font-size: 40px; line-height: 1.15; margin: 0 0 16px; letter-spacing: -0.02em; }
p { color: #4b5563; font-size: 18px; }
.content { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; margin-top: 32px; }
.content > div { height: 120px; border-radius: 14px; background: #fff; border: 1px solid #e5e7eb; }
`;

export type HostPageOptions = { siteKey: string; serverOrigin: string };

export type HostPage = {
  origin: string;
  /** The page with the widget; `?css=plain` for a normal page, `?widget=0` for the same page without it. */
  url(query?: Record<string, string>): string;
  configure(options: HostPageOptions): void;
  stop(): Promise<void>;
};

/**
 * A third-party site on its own origin, embedding the widget under a strict CSP:
 * `script-src <server>; style-src 'self'` — no inline script or style is allowed on it at all.
 */
export async function startHostPage(): Promise<HostPage> {
  let config: HostPageOptions | null = null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname === '/hostile.css' || url.pathname === '/plain.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(url.pathname === '/hostile.css' ? HOSTILE_CSS : PLAIN_CSS);
      return;
    }
    if (url.pathname !== '/' || !config) {
      res.writeHead(404).end();
      return;
    }
    const css = url.searchParams.get('css') === 'plain' ? '/plain.css' : '/hostile.css';
    const widget =
      url.searchParams.get('widget') === '0'
        ? ''
        : `<script src="${config.serverOrigin}/widget.js" data-site="${config.siteKey}" async></script>`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `script-src ${config.serverOrigin}; style-src 'self'`,
    });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Store</title><link rel="stylesheet" href="${css}"></head>
<body><nav>Acme Store <span>Products</span><span>Pricing</span><span>Help</span></nav>
<main><h1>Everything you need, delivered tomorrow.</h1>
<p>A third-party page that embeds the Parley widget. Questions? Our team is one click away.</p>
<div class="content"><div></div><div></div><div></div></div></main>
${widget}
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (query) => `${origin}/${query ? `?${new URLSearchParams(query)}` : ''}`,
    configure(options) {
      config = options;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Collects Content-Security-Policy violations reported on the page's console. */
export function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  return violations;
}

export type { Browser, Frame, Page };
