import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startParley } from './processes.mjs';
import { percentile, summarize } from './stats.mjs';

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

// Long tasks, long animation frames and the launcher's first appearance, recorded from the start of the page.
// A long animation frame lists each script that ran ≥ 5 ms in it, with its URL: frames where the widget's
// code ran are its own share of the blocking (with whatever page work shared the frame), measured in the
// same load, free of the load-to-load noise that a difference with another load carries.
const INIT = `
  window.__longTasks = [];
  window.__widgetFrames = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries())
      if (e.scripts.some((s) => /\\/widget[./]/.test(s.sourceURL))) window.__widgetFrames.push(e.blockingDuration);
  }).observe({ type: 'long-animation-frame', buffered: true });
  (function poll() {
    const host = document.getElementById('parley-root');
    if (host && host.shadowRoot && host.shadowRoot.querySelector('[data-parley="launcher"]')) { window.__launcherAt = performance.now(); return; }
    requestAnimationFrame(poll);
  })();`;

// Everything the bench asks of the page goes through CDP's Runtime.evaluate with one-line expressions.
// Playwright's waitForFunction and evaluate first compile its injected script (~150 KB) into the page's
// main world: a long task of its own, which used to land in the widget's loads only (they waited for the
// launcher) and was counted as the widget's blocking.
async function evaluate(cdp, expression) {
  const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
  return result.value;
}

async function measure(browser, url, withWidget) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(INIT);
  await page.goto(url, { waitUntil: 'load' });
  const until = Date.now() + 20_000;
  while (withWidget && !(await evaluate(cdp, 'window.__launcherAt !== undefined'))) {
    if (Date.now() > until) throw new Error('the launcher did not appear within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1500));
  const result = await evaluate(
    cdp,
    `({ longTasks: window.__longTasks, widgetFrames: window.__widgetFrames, launcherAt: window.__launcherAt ?? null,
        load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null })`,
  );
  await context.close();
  const blocking = result.longTasks.reduce((s, d) => s + Math.max(0, d - 50), 0);
  return {
    blockingMs: blocking,
    longTaskMs: result.longTasks.reduce((s, d) => s + d, 0),
    widgetFramesBlockingMs: result.widgetFrames.reduce((s, d) => s + d, 0),
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
  const differences = samples.with.map((w, i) => w.blockingMs - samples.without[i].blockingMs).sort((a, b) => a - b);

  return {
    runs,
    bytes: widgetBytes(),
    addedBlockingMs: percentile(differences, 50),
    // the middle half of the paired differences: how far one run's median can move on this machine
    addedBlockingQuartilesMs: [percentile(differences, 25), percentile(differences, 75)],
    widgetFramesBlockingMs: pick(samples.with, 'widgetFramesBlockingMs'),
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
