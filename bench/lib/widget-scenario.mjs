import { createServer } from 'node:http';
import { measureServed } from '../../packages/widget/scripts/size.mjs';
import { startParley } from './processes.mjs';
import { percentile, summarize } from './stats.mjs';
import { blockingOf, pageTasks, TRACE_CATEGORIES, widgetTasks } from './trace-attribution.mjs';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The widget's bytes on the wire, fetched from the running server with br and with gzip: the loader, and
 * loader + app + one locale (the largest). The same measure as packages/widget's size test.
 */
export async function widgetBytes(baseUrl) {
  const m = await measureServed(baseUrl);
  return Object.fromEntries(
    Object.entries(m).map(([encoding, e]) => [encoding, { loader: e.loader.bytes, afterOpen: e.afterOpen }]),
  );
}

const hostPage = (scriptTag) => `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<h1>A host page</h1>${'<p>Some ordinary content of an ordinary page, repeated to give layout some work.</p>'.repeat(200)}
${scriptTag}</body></html>`;

// Long tasks, the widget's changes to the page and the launcher's first frame, recorded from the start of the
// page. MutationObservers, not a requestAnimationFrame loop, watch for the launcher: a loop would ask for a
// frame every 16 ms for as long as the launcher is missing, so for the whole of a load without the widget and
// only part of one with it. Each change to the widget's nodes sets a mark, for the trace to find the frame
// that drew it.
const CHANGED = 'bench:widget-changed-page';
const INIT = `
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const observer = new MutationObserver((records) => {
    const host = document.getElementById('parley-root');
    if (!host || !host.shadowRoot) return;
    if (records.some((r) => r.target.getRootNode() === host.shadowRoot || [...r.addedNodes].includes(host))) performance.mark('${CHANGED}');
    if (!host.__watched) { host.__watched = true; observer.observe(host.shadowRoot, { childList: true, subtree: true }); }
    if (!host.shadowRoot.querySelector('[data-parley="launcher"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__launcherAt = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true });`;

// Both loads of a pair are watched for the same time after their load event, with nothing asked of the page
// meanwhile: long enough for the launcher, which comes in idle time after load, and at the latest 3 s after
// the settings arrived on a page whose load never fires.
const WINDOW_AFTER_LOAD_MS = 3000;

// Everything the bench asks of the page goes through CDP's Runtime.evaluate with one-line expressions.
// Playwright's waitForFunction and evaluate first compile its injected script into the page's main world:
// a long task of its own, which would fall on whichever load the bench waits on and count as its blocking.
async function evaluate(cdp, expression) {
  const { result } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
  return result.value;
}

// the widget's script, its chunks and its requests to the server
const WIDGET_URL = /\/widget[./]/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(browser, url, withWidget) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(INIT);
  // both loads are traced, so that tracing's own cost falls on both
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await page.goto(url, { waitUntil: 'load' });
  await sleep(WINDOW_AFTER_LOAD_MS);
  const until = Date.now() + 20_000;
  while (withWidget && !(await evaluate(cdp, 'window.__launcherAt !== undefined'))) {
    if (Date.now() > until) throw new Error('the launcher did not appear within 20 s');
    await sleep(50);
  }
  const result = await evaluate(
    cdp,
    `({ longTasks: window.__longTasks, launcherAt: window.__launcherAt ?? null,
        load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null })`,
  );
  const trace = JSON.parse((await browser.stopTracing()).toString());
  await context.close();
  const own = withWidget
    ? widgetTasks(trace.traceEvents, { pageUrl: url, widget: WIDGET_URL, changed: CHANGED }).map((t) => t.ms)
    : [];
  return {
    blockingMs: blockingOf(result.longTasks),
    traceBlockingMs: blockingOf(pageTasks(trace.traceEvents, url)),
    longTaskMs: result.longTasks.reduce((s, d) => s + d, 0),
    ownBlockingMs: blockingOf(own),
    ownLongestMs: Math.max(0, ...own),
    ownTotalMs: own.reduce((s, d) => s + d, 0),
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
  // Each load starts while the browser still tears down the previous one's context: pairs alternate which
  // load goes first, so that this falls on both alike (without, with · with, without · …), and a second's
  // pause after each load lets most of it pass.
  for (let i = 0; i < runs; i++) {
    for (const withWidget of i % 2 ? [true, false] : [false, true]) {
      const sample = await measure(browser, `${base}/${withWidget ? 'with' : 'without'}`, withWidget);
      samples[withWidget ? 'with' : 'without'].push(sample);
      await sleep(1000);
    }
  }
  await browser.close();
  host.close();
  const bytes = await widgetBytes(parley.url);
  await parley.stop();
  const pick = (list, key) => summarize(list.map((s) => s[key]).filter((v) => v !== null)).p50;
  // Loads run in pairs: the median of each pair's difference is the widget's own share. The page alone moves
  // by tens of milliseconds of blocking from load to load, which a difference of two medians takes for the
  // widget's.
  const pairedDifferences = (key) => samples.with.map((w, i) => w[key] - samples.without[i][key]).sort((a, b) => a - b);
  const differences = pairedDifferences('blockingMs');
  // the same from the trace, which sees every task of the page (Long Tasks miss some, rendering ones among them)
  const traceDifferences = pairedDifferences('traceBlockingMs');

  return {
    runs,
    bytes,
    addedBlockingMs: percentile(differences, 50),
    // the middle half of the paired differences: how far one run's median can move on this machine
    addedBlockingQuartilesMs: [percentile(differences, 25), percentile(differences, 75)],
    addedTraceBlockingMs: percentile(traceDifferences, 50),
    addedTraceBlockingQuartilesMs: [percentile(traceDifferences, 25), percentile(traceDifferences, 75)],
    // the widget's own tasks in each load with it, from the trace: the blocking they carry, how many loads
    // they carried none in, and the longest of them
    own: {
      blockingMs: pick(samples.with, 'ownBlockingMs'),
      meanBlockingMs: samples.with.reduce((s, w) => s + w.ownBlockingMs, 0) / runs,
      loadsWithoutBlocking: samples.with.filter((w) => w.ownBlockingMs === 0).length,
      longestTaskMs: pick(samples.with, 'ownLongestMs'),
      totalMs: pick(samples.with, 'ownTotalMs'),
    },
    withWidget: {
      blockingMs: pick(samples.with, 'blockingMs'),
      traceBlockingMs: pick(samples.with, 'traceBlockingMs'),
      longTaskMs: pick(samples.with, 'longTaskMs'),
      loadMs: pick(samples.with, 'loadMs'),
      launcherMs: pick(samples.with, 'launcherMs'),
    },
    withoutWidget: {
      blockingMs: pick(samples.without, 'blockingMs'),
      traceBlockingMs: pick(samples.without, 'traceBlockingMs'),
      longTaskMs: pick(samples.without, 'longTaskMs'),
      loadMs: pick(samples.without, 'loadMs'),
    },
  };
}
