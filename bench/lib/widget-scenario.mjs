import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startParley } from './processes.mjs';
import { summarize } from './stats.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Gzip bytes of the loader and of everything loaded after opening (app chunk + one locale). */
export function widgetBytes() {
  const dir = `${root}/packages/widget/dist`;
  const gz = (file) => gzipSync(readFileSync(`${dir}/${file}`), { level: 9 }).length;
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const loader = gz('widget.js');
  const chunks = files.filter((f) => f !== 'widget.js').map((f) => ({ f, bytes: gz(f) }));
  const locales = chunks.filter((c) => /locale|^(en|es|de|fr|ar)[-.]/.test(c.f));
  const app = chunks.filter((c) => !locales.includes(c));
  const afterOpen = app.reduce((s, c) => s + c.bytes, 0) + Math.max(0, ...locales.map((c) => c.bytes));
  return { loader, afterOpen };
}

const hostPage = (scriptTag) => `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<h1>A host page</h1>${'<p>Some ordinary content of an ordinary page, repeated to give layout some work.</p>'.repeat(200)}
${scriptTag}</body></html>`;

// Long tasks and the launcher's first appearance, recorded from the start of the page.
const INIT = `
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  (function poll() {
    const host = document.getElementById('parley-root');
    if (host && host.shadowRoot && host.shadowRoot.querySelector('[data-parley="launcher"]')) { window.__launcherAt = performance.now(); return; }
    requestAnimationFrame(poll);
  })();`;

async function measure(browser, url, withWidget) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(INIT);
  await page.goto(url, { waitUntil: 'load' });
  if (withWidget) await page.waitForFunction(() => window.__launcherAt !== undefined, null, { timeout: 20_000 });
  await page.waitForTimeout(1500);
  const result = await page.evaluate(() => ({
    longTasks: window.__longTasks,
    launcherAt: window.__launcherAt ?? null,
    load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null,
  }));
  await context.close();
  const blocking = result.longTasks.reduce((s, d) => s + Math.max(0, d - 50), 0);
  return {
    blockingMs: blocking,
    longTaskMs: result.longTasks.reduce((s, d) => s + d, 0),
    launcherMs: result.launcherAt,
    loadMs: result.load,
  };
}

/** The same host page with and without the widget, in Chromium with 4× CPU throttling. */
export async function widgetOnHostPage({ runs = 5 } = {}) {
  const { chromium } = await import('playwright-core');
  const parley = await startParley();
  const key = await fetch(`${parley.url}/`)
    .then((r) => r.text())
    .then((html) => /data-site="([^"]+)"/.exec(html)?.[1]);
  const host = createServer((req, res) => {
    const tag = req.url === '/with' ? `<script src="${parley.url}/widget.js" data-site="${key}" async></script>` : '';
    res.setHeader('content-type', 'text/html');
    res.end(hostPage(tag));
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${host.address().port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const samples = { with: [], without: [] };
  for (let i = 0; i < runs; i++) {
    samples.without.push(await measure(browser, `${base}/without`, false));
    samples.with.push(await measure(browser, `${base}/with`, true));
  }
  await browser.close();
  host.close();
  await parley.stop();
  const pick = (list, key) => summarize(list.map((s) => s[key]).filter((v) => v !== null)).p50;
  // Loads run in pairs (without, then with): the median of each pair's difference is the widget's own
  // share. The page alone moves by ±15 ms of blocking from run to run, which a difference of two medians
  // takes for the widget's.
  const added = summarize(samples.with.map((w, i) => w.blockingMs - samples.without[i].blockingMs)).p50;
  return {
    runs,
    bytes: widgetBytes(),
    addedBlockingMs: added,
    withWidget: {
      blockingMs: pick(samples.with, 'blockingMs'),
      longTaskMs: pick(samples.with, 'longTaskMs'),
      loadMs: pick(samples.with, 'loadMs'),
      launcherMs: pick(samples.with, 'launcherMs'),
    },
    withoutWidget: {
      blockingMs: pick(samples.without, 'blockingMs'),
      longTaskMs: pick(samples.without, 'longTaskMs'),
      loadMs: pick(samples.without, 'loadMs'),
    },
  };
}
