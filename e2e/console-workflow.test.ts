import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, launchBrowser, type Page } from './helpers/browser.js';
import { connectVisitor, createAgent, type TestAgent, type TestVisitor } from './helpers/console-people.js';
import { consoleLogin, ensureConsoleBuilt, setConsoleStatus } from './helpers/console-server.js';
import { type ParleyServer, SCREENSHOT_DIR, startServer } from './helpers/server.js';

/**
 * An agent's working walk through the console in Chromium, against the real server: answering chats one
 * after the other from the keyboard, the visitor details on narrow screens, where notices appear, and a chat
 * handed over by a colleague with a note.
 */

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console: working through chats', () => {
  let server: ParleyServer;
  let browser: Browser;
  let adminToken: string;
  let siteKey: string;
  const contexts: BrowserContext[] = [];
  const visitors: TestVisitor[] = [];
  let kim: TestAgent;
  let ana: TestAgent;
  let ben: TestAgent;
  let kimPage: Page;

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServer();
    adminToken = await server.login();
    siteKey = (await server.api('GET /api/sites', { token: adminToken })).sites[0]!.key;
    kim = await createAgent(server, adminToken, 'Kim Keys', { maxChats: 6 });
    ana = await createAgent(server, adminToken, 'Ana Alvarez');
    ben = await createAgent(server, adminToken, 'Ben Brooks');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function agentPage(agent: TestAgent): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    contexts.push(context);
    const page = await context.newPage();
    await consoleLogin(page, server.origin, agent.email, agent.password);
    return page;
  }
  async function visitor(name: string): Promise<TestVisitor> {
    const v = await connectVisitor(server, siteKey, { name });
    visitors.push(v);
    return v;
  }
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENSHOT_DIR, `console-workflow-${name}.png`), animations: 'disabled' });
  const row = (page: Page, id: string) => page.locator(`#conversation-list li[data-conversation="${id}"]`);
  const rowOrder = (page: Page) =>
    page
      .locator('#conversation-list li[data-conversation]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-conversation')));
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 100 });

  /** The conversation with `name` is open: its header, its URL, its row the one selected, the composer focused. */
  async function expectOpen(page: Page, id: string, name: string) {
    await page.locator('.conv-header h2', { hasText: name }).waitFor();
    await poll(() => row(page, id).locator('.conv-main').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#conversation-list .conv-main[aria-pressed=true]').count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe(`/console/inbox/${id}`);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
  }

  async function reply(page: Page, text: string) {
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.locator('.thread [data-author=agent]', { hasText: text }).locator('[data-delivery=sent]').waitFor();
  }

  const chats: { id: string; name: string; visitor: TestVisitor }[] = [];

  it('answering a chat, Alt+↓ opens the next one waiting; the rows stay where they are', async () => {
    kimPage = await agentPage(kim);
    const page = kimPage;
    for (const name of ['Kai First', 'Lea Second', 'Max Third']) {
      const v = await visitor(name);
      const { conversationId } = await v.send(`Hi, ${name} here, I need help`);
      await row(page, conversationId).waitFor();
      chats.push({ id: conversationId, name, visitor: v });
    }
    const ids = chats.map((c) => c.id);
    await poll(() => rowOrder(page)).toEqual(ids);
    const hint = page.locator('[data-testid=waiting-hint]');
    await poll(() => hint.textContent()).toBe('3 waiting for you · Alt+↓ next');

    // Kim answers each one and moves on with Alt+↓, never touching the mouse.
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(page, ids[0]!, 'Kai First');
    await reply(page, 'Hello Kai, happy to help.');
    // The answered chat keeps its place in the list (it no longer waits, yet nothing moved under Kim).
    expect(await rowOrder(page)).toEqual(ids);
    await expect.poll(() => row(page, ids[0]!).locator('.wait').count()).toBe(0);

    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(page, ids[1]!, 'Lea Second');
    await reply(page, 'Hello Lea, one moment.');
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(page, ids[2]!, 'Max Third');
    await reply(page, 'Hello Max!');
    expect(await rowOrder(page)).toEqual(ids);

    // Nobody waits any more: Alt+↓ stays and says so.
    await page.keyboard.press('Alt+ArrowDown');
    await page.locator('.toast', { hasText: 'No other chat is waiting for you' }).waitFor();
    await expectOpen(page, ids[2]!, 'Max Third');

    // Lea writes again: her row stays in place, and Alt+↓ takes Kim to her.
    expect(await hint.textContent()).toBe('');
    await chats[1]!.visitor.send('Any news?');
    await row(page, ids[1]!).locator('.wait').waitFor();
    expect(await hint.textContent()).toBe('1 waiting for you · Alt+↓ next');
    expect(await rowOrder(page)).toEqual(ids);
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(page, ids[1]!, 'Lea Second');
    await shot(page, 'next-waiting');
  }, 90_000);

  it('on narrow screens a Details button opens the visitor details as a drawer (1024 and 390 px wide)', async () => {
    const page = kimPage;
    for (const [width, height] of [
      [1024, 768],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      const toggle = page.locator('#details-toggle');
      const details = page.locator('#visitor-panel aside.visitor');
      await toggle.waitFor();
      expect(await details.isVisible(), `${width}px: details hidden at first`).toBe(false);
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await toggle.getAttribute('aria-controls')).toBe('visitor-panel');

      // Keyboard: focus the button, Enter opens the drawer and moves focus into it.
      await toggle.focus();
      await page.keyboard.press('Enter');
      await details.waitFor();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await details.getByText('Checkout — Example Shop').waitFor();
      const box = (await page.locator('#visitor-panel').boundingBox())!;
      expect(box.x, `${width}px: drawer inside the window`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
      expect(await page.evaluate(() => !!document.activeElement?.closest('#visitor-panel'))).toBe(true);
      await shot(page, `details-${width}`);

      // Escape closes it and gives focus back to the button.
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'hidden' });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('details-toggle');
    }
    // A phone shows the list or the conversation: Back goes to the list, a row opens the chat again.
    const lea = chats[1]!;
    expect(await page.locator('.list-pane').isVisible()).toBe(false);
    await page.locator('.conv-back').click();
    await row(page, lea.id).waitFor();
    expect(await page.locator('.conversation').count()).toBe(0);
    const list = (await page.locator('.list-pane').boundingBox())!;
    expect(list.x + list.width).toBeLessThanOrEqual(390.5);
    await shot(page, 'list-390');
    await row(page, lea.id).locator('.conv-main').click();
    await expectOpen(page, lea.id, lea.name);
    await page.setViewportSize({ width: 1440, height: 900 });
    // Wide: the details are a column beside the conversation; no button needed.
    await page.locator('#visitor-panel aside.visitor').waitFor();
    expect(await page.locator('#details-toggle').isVisible()).toBe(false);
  }, 60_000);

  /** Every box a notice must leave free: the composer, its send button, the header's and the top bar's controls. */
  async function controlBoxes(page: Page): Promise<{ what: string; box: Box }[]> {
    const boxes: { what: string; box: Box }[] = [];
    const add = async (what: string, locator: Locator) => {
      for (const el of await locator.all()) {
        const box = await el.boundingBox();
        if (box && box.width > 0) boxes.push({ what, box });
      }
    };
    await add('composer', page.locator('.composer'));
    await add('send button', page.locator('.composer button.send'));
    await add('conversation header control', page.locator('.conv-header button'));
    await add('top bar control', page.locator('.topbar button, .topbar .status-toggle'));
    return boxes;
  }

  it('a notice never covers the composer, the send button or a header control, at any width', async () => {
    const page = kimPage;
    for (const [i, [width, height]] of (
      [
        [1440, 900],
        [1024, 768],
        [390, 844],
      ] as const
    ).entries()) {
      await page.setViewportSize({ width, height });
      const chat = chats[i]!;
      if (!(await row(page, chat.id).isVisible())) await page.goto(`${server.origin}/console/inbox/${chat.id}`);
      else await row(page, chat.id).locator('.conv-main').click();
      await page.locator('.conv-header h2', { hasText: chat.name }).waitFor();
      // Alt+C closes the chat: "Conversation closed" while the composer stays for internal notes.
      await page.locator('#composer-input').fill('a draft note');
      await page.keyboard.press('Alt+KeyC');
      const notice = page.locator('.toast', { hasText: 'Conversation closed' });
      await notice.waitFor();
      await page.locator('.composer button.send').waitFor();
      await shot(page, `toast-${width}`);
      const box = (await notice.boundingBox())!;
      for (const control of await controlBoxes(page))
        expect(overlaps(box, control.box), `${width}px: the notice covers the ${control.what}`).toBe(false);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      // It is announced (a polite live region) and can be dismissed.
      expect(
        await page.locator('[role=status][aria-live=polite] .toast', { hasText: 'Conversation closed' }).count(),
      ).toBe(1);
      await notice.getByRole('button', { name: 'Dismiss' }).click();
      await notice.waitFor({ state: 'detached' });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 90_000);

  it('a chat transferred to me opens with a banner: who handed it over, and their note', async () => {
    // Kim steps away: new chats go to Ana.
    await setConsoleStatus(kimPage, 'away');
    const anaPage = await agentPage(ana);
    const benPage = await agentPage(ben);
    await setConsoleStatus(benPage, 'away');
    const zoe = await visitor('Zoe Zimmer');
    const { conversationId } = await zoe.send('My invoice shows the wrong address');
    await row(anaPage, conversationId).locator('.conv-main').click();
    await anaPage.locator('#composer-input').fill('Let me pass you to billing.');
    await anaPage.keyboard.press('Enter');
    await setConsoleStatus(benPage, 'online');

    const note = 'Billing: address changed on 2 May, invoice #88 needs reissuing.';
    await anaPage.keyboard.press('Alt+KeyT');
    const dialog = anaPage.locator('[role=dialog]', { hasText: 'Transfer conversation' });
    await dialog.locator('label.pick', { hasText: 'Ben Brooks' }).click();
    await dialog.locator('textarea[name=note]').fill(note);
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });

    // Ben gets the chat, marked unread; opening it shows the handover above the thread.
    await benPage.locator(`#conversation-list li.is-unread[data-conversation="${conversationId}"]`).waitFor();
    // The row's preview is Ana's reply, and says so (it is not Ben's).
    await poll(() => row(benPage, conversationId).locator('.conv-preview').textContent()).toBe(
      'Ana: Let me pass you to billing.',
    );
    await row(benPage, conversationId).locator('.conv-main').click();
    const banner = benPage.locator('[data-testid=handover]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Transferred to you by Ana Alvarez');
    expect(await banner.textContent()).toContain(note);
    // It sits above the thread, in view without scrolling.
    const bannerBox = (await banner.boundingBox())!;
    const threadBox = (await benPage.locator('.thread').boundingBox())!;
    expect(bannerBox.y + bannerBox.height).toBeLessThanOrEqual(threadBox.y + 0.5);
    await shot(benPage, 'handover');

    // Ana, who no longer has the chat, sees no banner; Ben can put it away.
    expect(await anaPage.locator('[data-testid=handover]').count()).toBe(0);
    await banner.getByRole('button', { name: 'Got it' }).click();
    await banner.waitFor({ state: 'detached' });
  }, 90_000);
});
