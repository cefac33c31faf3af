import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type Browser,
  chromiumAvailable,
  type HostPage,
  launchBrowser,
  type Page,
  startHostPage,
} from './helpers/browser';
import {
  type AgentClient,
  connectAgent,
  type ParleyServer,
  SCREENSHOT_DIR,
  startServer,
  until,
} from './helpers/server';

/** Takes the widget's screenshots (real server, real browser); SCREENSHOT_DIR says where they go. */

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('widget screenshots', () => {
  let server: ParleyServer;
  let host: HostPage;
  let browser: Browser;
  let agent: AgentClient;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    host = await startHostPage();
    server = await startServer({ siteOrigins: [host.origin] });
    const admin = await server.login();
    const { sites } = await server.api('GET /api/sites', { token: admin });
    await server.api('PATCH /api/sites/:id', {
      params: { id: sites[0]!.id },
      token: admin,
      body: {
        name: 'Acme Store',
        settings: { greeting: 'Hi there 👋 Questions about an order? We’re happy to help.' },
      },
    });
    host.configure({ siteKey: sites[0]!.key, serverOrigin: server.origin });
    // a friendlier agent than "Admin" for the pictures
    const agentLogin = { email: 'sofia@example.com', password: 'sofia-password-1' };
    await server.api('POST /api/agents', {
      token: admin,
      body: { ...agentLogin, name: 'Sofia Martinez', role: 'agent' },
    });
    const { token } = await server.api('POST /api/auth/login', { body: agentLogin });
    agent = await connectAgent(server, token);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    agent?.close();
    await browser?.close();
    await server?.stop();
    await host?.stop();
  });

  async function converse(page: Page, lines: [visitor: string, agentReply: string][]) {
    const input = page.locator('[data-parley="input"]');
    for (const [said, reply] of lines) {
      await input.fill(said);
      await input.press('Enter');
      const mine = await until(() => agent.messages.find((m) => m.text === said), 15_000, 'visitor message');
      await agent.send(mine.conversationId, reply);
      await page.locator('[data-parley="message"][data-author="agent"]').filter({ hasText: reply }).waitFor();
    }
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENSHOT_DIR, name), animations: 'disabled' });

  it('launcher, panel, mobile and RTL', async () => {
    const desktop = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2 });
    const page = await desktop.newPage();
    await page.goto(host.url({ css: 'plain' }));
    await page.locator('[data-parley="launcher"]').waitFor();

    await page.locator('[data-parley="launcher"]').click();
    await converse(page, [
      ['Hi! Can I still change my delivery address?', 'Of course! Orders can be changed until they ship.'],
      [
        'Great, it is order #4821.',
        'Done — the new address is saved. You can track it here: https://acme.example/orders/4821',
      ],
    ]);
    await page.locator('[data-parley="input"]').fill('Thank you so much!');
    await page.locator('[data-parley="input"]').blur();
    await shot(page, 'widget-panel.png');

    // closed again, with a reply waiting: the launcher shows the unread badge
    await page.locator('[data-parley="launcher"]').click();
    const last = agent.messages.at(-1)!;
    await agent.send(last.conversationId, 'Anything else I can help with?');
    await page.locator('[data-parley="unread"]').filter({ hasText: '1' }).waitFor();
    await page.mouse.move(10, 10); // no hover effect
    await page.waitForTimeout(400); // let the icon transition finish
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'widget-launcher.png'),
      animations: 'disabled',
      clip: { x: 400, y: 300, width: 800, height: 500 },
    });
    await desktop.close();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const mobile = await phone.newPage();
    await mobile.goto(host.url({ css: 'plain' }));
    await mobile.locator('[data-parley="launcher"]').click();
    await converse(mobile, [['Do you ship to Canada?', 'We do! Shipping to Canada takes 3–5 business days.']]);
    await mobile.locator('[data-parley="input"]').blur();
    await shot(mobile, 'widget-mobile.png');
    await phone.close();

    const arabic = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      deviceScaleFactor: 2,
      locale: 'ar',
    });
    const rtl = await arabic.newPage();
    await rtl.goto(host.url({ css: 'plain' }));
    await rtl.locator('[data-parley="launcher"]').click();
    await converse(rtl, [['مرحبا، أين طلبي؟', 'أهلاً! طلبك في الطريق وسيصل غدًا.']]);
    await rtl.locator('[data-parley="input"]').blur();
    await shot(rtl, 'widget-rtl.png');
    await arabic.close();
  }, 120_000);
});
