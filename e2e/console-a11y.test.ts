import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from './helpers/axe.js';
import { type Browser, chromiumAvailable, launchBrowser, type Page } from './helpers/browser.js';
import { connectVisitor, createAgent, type TestAgent, type TestVisitor } from './helpers/console-people.js';
import { consoleLogin, ensureConsoleBuilt, setConsoleStatus } from './helpers/console-server.js';
import { type ParleyServer, SCREENSHOT_DIR, startServer } from './helpers/server.js';

/**
 * The agent console passes an axe-core WCAG 2.1 AA audit (tags wcag2a, wcag2aa, wcag21a, wcag21aa) with no
 * serious or critical violation on each of its screens: login, inbox, a conversation holding visitor and
 * agent messages, an internal note, system lines and a handover banner, the dashboard and the settings.
 */

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console accessibility (axe-core, WCAG 2.1 AA)', () => {
  let server: ParleyServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminToken: string;
  let siteKey: string;
  let ana: TestAgent;
  const visitors: TestVisitor[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServer();
    adminToken = await server.login();
    siteKey = (await server.api('GET /api/sites', { token: adminToken })).sites[0]!.key;
    ana = await createAgent(server, adminToken, 'Ana Alvarez');
    browser = await launchBrowser();
    // axe is injected as an inline script: only this context bypasses the console's strict CSP.
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      bypassCSP: true,
    });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.close();
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  const expectClean = async (screen: string) =>
    expect(await auditPage(page), `${screen}: serious or critical axe violations`).toEqual([]);

  it('login', async () => {
    await page.goto(`${server.origin}/console/`);
    await page.locator('input[name=email]').waitFor();
    await expectClean('login');
  }, 60_000);

  it('inbox with conversations, and a conversation with messages, a note, system lines and a handover', async () => {
    await consoleLogin(page, server.origin, server.adminEmail, server.adminPassword);
    // Ana takes the chat first and hands it to the admin with a note, so the conversation shows every kind of line.
    const { io } = await import('socket.io-client');
    const { token: anaToken } = await server.api('POST /api/auth/login', {
      body: { email: ana.email, password: ana.password },
    });
    await setConsoleStatus(page, 'away');
    const anaSocket = io(`${server.origin}/agent`, { auth: { token: anaToken }, transports: ['websocket'] });
    await anaSocket.timeout(10_000).emitWithAck('agent:status', { status: 'online' });
    const vera = await connectVisitor(server, siteKey, { name: 'Vera Visitor' });
    visitors.push(vera);
    const { conversationId } = await vera.send('Hello, my parcel has not arrived (order #1042).');
    const waiting = await connectVisitor(server, siteKey, { name: 'Walt Waiting' });
    visitors.push(waiting);
    await setConsoleStatus(page, 'online');
    await anaSocket.timeout(10_000).emitWithAck('message:send', {
      conversationId,
      clientId: 'ana-1',
      text: 'Sorry to hear that — let me check, see https://example.com/track',
    });
    await anaSocket.timeout(10_000).emitWithAck('conversation:transfer', {
      conversationId,
      toAgentId: (await server.api('GET /api/me', { token: adminToken })).agent.id,
      note: 'Parcel lost in transit; refund approved.',
    });
    anaSocket.close();
    const walt = await waiting.send('Is anybody there?');

    const row = page.locator(`#conversation-list li[data-conversation="${conversationId}"]`);
    await row.waitFor();
    // Walt's row shows how long he has waited: a timer with its own colour.
    await page.locator(`#conversation-list li[data-conversation="${walt.conversationId}"] .wait`).waitFor();
    await expectClean('inbox');

    await row.locator('.conv-main').click();
    await page.locator('[data-testid=handover]').waitFor();
    await page.locator('#composer-input').fill('A refund is on its way.');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Alt+KeyN');
    await page.locator('#composer-input').fill('Refund issued in the payment system.');
    await page.keyboard.press('Enter');
    await page.locator('.thread [data-internal=true][data-author=agent]').waitFor();
    await page.locator('.thread .system').first().waitFor();
    await page.locator('.thread [data-delivery=sent]').nth(1).waitFor();
    await expectClean('conversation');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'a11y-conversation.png') });

    // Narrow: the visitor details as a drawer over the conversation.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.locator('#details-toggle').click();
    await page.locator('#visitor-panel aside.visitor').waitFor();
    await expectClean('conversation with the details drawer');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.conv-back').waitFor();
    await expectClean('conversation on a phone');
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 90_000);

  it('dashboard', async () => {
    await page.locator('a[href="/console/dashboard"]').click();
    await page.locator('.dashboard h1').waitFor();
    await page.waitForLoadState('networkidle');
    await expectClean('dashboard');
  }, 60_000);

  it('settings', async () => {
    await page.locator('a[href="/console/settings/sites"]').click();
    await page.waitForLoadState('networkidle');
    await page.locator('h1, h2').first().waitFor();
    await expectClean('settings: sites');
    for (const tab of ['agents', 'canned']) {
      const link = page.locator(`a[href="/console/settings/${tab}"]`);
      if ((await link.count()) === 0) continue;
      await link.first().click();
      await page.waitForLoadState('networkidle');
      await expectClean(`settings: ${tab}`);
    }
  }, 60_000);
});
