import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, type HostPage, type Page } from './helpers/browser';
import type { ParleyServer } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * The loader on difficult host pages: a main thread that is never idle, a load that never completes,
 * commands queued through the stub before widget.js ran, and a shutdown.
 */

const T = 60_000;

describe.skipIf(!chromiumAvailable())('the widget loader on difficult host pages', () => {
  let _server: ParleyServer;
  let host: HostPage;
  let browser: Browser;

  const stack = useWidgetStack();
  beforeAll(() => {
    ({ host, browser } = stack);
  });

  /** The plain host page in a context of its own, set up by `prepare` before it loads. */
  async function openPreparedPage(
    prepare: (page: Page) => Promise<unknown>,
    waitUntil: 'load' | 'domcontentloaded' = 'load',
  ) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await prepare(page);
    await page.goto(host.url({ css: 'plain' }), { waitUntil });
    return { context, page, w: widget(page) };
  }

  it(
    'shows the launcher and opens on a page whose main thread is never idle',
    async () => {
      // The page's own work never stops: a message loop of 30 ms tasks leaves no idle period at all. The
      // loader mounts in idle time, and must still get its turn.
      const { context, w } = await openPreparedPage((page) =>
        page.addInitScript(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            const end = performance.now() + 30;
            while (performance.now() < end);
            channel.port2.postMessage(0);
          };
          channel.port2.postMessage(0);
        }),
      );
      await w.launcher.waitFor({ timeout: 20_000 });
      await w.launcher.click();
      await w.panel.waitFor({ timeout: 20_000 });
      await context.close();
    },
    T,
  );

  it(
    'shows the launcher on a page whose load never completes (an image that never arrives)',
    async () => {
      // The loader draws its launcher after the page's load event, or 3 s after its settings arrived when
      // the page is still loading: an image that never arrives must not keep the chat away.
      const { context, page, w } = await openPreparedPage(async (page) => {
        await page.route('**/never.png', () => {});
        await page.addInitScript(() =>
          document.addEventListener('DOMContentLoaded', () => {
            const img = new Image();
            img.src = '/never.png';
            document.body.append(img);
          }),
        );
      }, 'domcontentloaded');
      await w.launcher.waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
      await context.close();
    },
    T,
  );

  /** A page whose own script calls `Parley(...)` through the contract's stub before widget.js has run. */
  const openPageWithQueued = (commands: string) =>
    openPreparedPage((page) =>
      page.addInitScript(
        `window.Parley = window.Parley || function(){(Parley.q=Parley.q||[]).push(arguments)}; window.__opened = 0;
         ${commands}`,
      ),
    );

  it(
    'runs the commands a page queued before widget.js ran: its open callback fires and the panel opens unclicked',
    async () => {
      const { context, page, w } = await openPageWithQueued(
        "Parley('on', 'open', () => { window.__opened++; }); Parley('open');",
      );
      await w.panel.waitFor({ timeout: 20_000 });
      await w.input.waitFor();
      expect(await page.evaluate(() => (window as unknown as { __opened: number }).__opened)).toBe(1);
      await context.close();
    },
    T,
  );

  it(
    "takes the widget out of the page on Parley('shutdown'), and never shows it after a shutdown queued before it ran",
    async () => {
      const shown = await openPreparedPage(async () => {});
      await shown.w.launcher.waitFor();
      await shown.page.evaluate(() => (window as unknown as { Parley: (name: string) => void }).Parley('shutdown'));
      await expect.poll(() => shown.page.evaluate(() => !!document.getElementById('parley-root'))).toBe(false);
      await shown.context.close();

      const { context, page } = await openPageWithQueued("Parley('shutdown');");
      // once the loader has run the queue, its launcher would come within a second or two
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { Parley: { loaded?: boolean } }).Parley.loaded))
        .toBe(true);
      await page.waitForTimeout(3_000);
      expect(await page.evaluate(() => !!document.getElementById('parley-root'))).toBe(false);
      await context.close();
    },
    T,
  );
});
