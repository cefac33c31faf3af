import type { Message } from '@parley/protocol';
import type { BrowserContext } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { magicLinks } from '../packages/server/test/helpers/magic-links.js';
import { createTestDatabase, postgresAvailable } from '../packages/server/test/helpers/postgres.js';
import { type Browser, chromiumAvailable, launchBrowser, startHostPage } from './helpers/browser.js';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server.js';
import { type AgentClient, connectAgent, type ParleyServer, startServer, until } from './helpers/server.js';
import { widget } from './helpers/widget.js';

/**
 * A magic link from an email, opened in a fresh browser (no storage at all), reopens the conversation with
 * its history, and the chat goes on there; an expired or forged link says so. The console shows "Seen"
 * under the agent's reply once the widget has shown it. The link is signed with the server's own secret,
 * read from its PostgreSQL database (what the email worker does).
 */

const T = 60_000;
const SHOP = 'https://shop.example';
const hasChromium = chromiumAvailable();
const hasPostgres = await postgresAvailable();

describe.skipIf(!hasChromium || !hasPostgres)('magic-link resume and "Seen", in Chromium', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ParleyServer;
  let browser: Browser;
  let agent: AgentClient;
  let admin: string;
  let site: { id: string; key: string };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    db = await createTestDatabase();
    // the site lives on a shop's origin; the link's page is on Parley's own origin
    server = await startServer({ siteOrigins: [SHOP], env: { DATABASE_URL: db.url } });
    admin = await server.login();
    site = (await server.api('GET /api/sites', { token: admin })).sites[0]!;
    await server.api('POST /api/agents', {
      token: admin,
      body: { email: 'sam@example.com', name: 'Sam Support', password: 'sam-password-1', role: 'agent', maxChats: 20 },
    });
    const { token } = await server.api('POST /api/auth/login', {
      body: { email: 'sam@example.com', password: 'sam-password-1' },
    });
    agent = await connectAgent(server, token);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    agent?.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  const freshPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    return context.newPage();
  };

  it(
    'reopens the conversation in a fresh browser, the console shows "Seen", and the chat goes on',
    async () => {
      // on the shop's site, a visitor asks, and leaves before the answer comes
      const shopper = io(`${server.origin}/visitor`, {
        auth: { siteKey: site.key },
        transports: ['websocket'],
        extraHeaders: { origin: SHOP },
        reconnection: false,
      });
      const session = await new Promise<{ visitorId: string }>((resolve, reject) => {
        shopper.once('session', resolve);
        shopper.once('connect_error', reject);
      });
      const asked = (await shopper
        .timeout(10_000)
        .emitWithAck('message:send', { clientId: 'shop-1', text: 'Where is my parcel?' })) as { message: Message };
      const id = asked.message.conversationId;
      await until(() => agent.assigned.some((c) => c.id === id), 15_000, 'the agent to get the chat');
      shopper.disconnect();
      const answer = await agent.send(id, 'It ships on Monday, tracking to follow.');

      // the admin watches the conversation in the console: the reply is sent, not seen
      const consolePage = await freshPage();
      await consoleLogin(consolePage, server.origin, server.adminEmail, server.adminPassword);
      await consolePage.goto(`${server.origin}/console/inbox/${id}`);
      const reply = consolePage.locator('[data-message][data-author="agent"]', { hasText: answer.text });
      await reply.waitFor({ timeout: 15_000 });
      await reply.locator('[data-delivery="sent"]').waitFor();
      expect(await reply.locator('[data-seen]').count()).toBe(0);

      // the email's link, opened on another device: a browser that never saw the shop
      const links = await magicLinks(db.url);
      const token = links.issue({ conversationId: id, visitorId: session.visitorId, siteId: site.id });
      const page = await freshPage();
      // the delivery receipts the widget sends: `messages:seen {seq}`
      const seenSeqs: number[] = [];
      page.on('websocket', (ws) =>
        ws.on('framesent', (f) => {
          const frame = String(f.payload);
          if (frame.includes('"messages:seen"'))
            seenSeqs.push(JSON.parse(frame.replace(/^\d+\/visitor,\d*/, ''))[1].seq);
        }),
      );
      const res = await page.goto(`${server.origin}/r/${token}`);
      expect(res?.status()).toBe(200);
      const w = widget(page);
      await w.panel.waitFor({ timeout: 15_000 }); // it opens by itself
      await w.byAuthor('visitor').filter({ hasText: 'Where is my parcel?' }).waitFor({ timeout: 15_000 });
      await w.byAuthor('agent').filter({ hasText: answer.text }).waitFor();

      // the widget showed the reply: the console says so, live
      const seen = reply.locator('[data-seen]');
      await seen.waitFor({ timeout: 15_000 });
      expect(await seen.textContent()).toContain('Seen');
      expect(await seen.getAttribute('title')).toMatch(/^Seen by the visitor · /);

      // and the chat goes on from here, in the same conversation
      await w.input.fill('Thanks! Can I change the address?');
      await w.send.click();
      const followUp = await until(
        () => agent.messages.find((m) => m.text === 'Thanks! Can I change the address?'),
        15_000,
        'the follow-up at the agent',
      );
      expect(followUp.conversationId).toBe(id);
      expect(followUp.author).toBe('visitor');

      // a reply delivered to the open widget is seen at once
      const second = await agent.send(id, 'Yes, reply with the new one.');
      await w.byAuthor('agent').filter({ hasText: second.text }).waitFor({ timeout: 15_000 });
      await consolePage
        .locator('[data-message][data-author="agent"]', { hasText: second.text })
        .locator('[data-seen]')
        .waitFor({ timeout: 15_000 });
      // the widget said so itself too: the highest reply shown, each receipt higher than the last
      await until(() => seenSeqs.includes(second.seq), 15_000, 'the widget to report the second reply seen');
      expect(seenSeqs[0]).toBe(answer.seq);
      expect(seenSeqs).toEqual([...new Set(seenSeqs)].sort((a, b) => a - b));
    },
    T,
  );

  it(
    'email fields refuse an address that cannot be used; ending the chat offers an emailed transcript',
    async () => {
      const host = await startHostPage();
      try {
        const shop = await server.api('POST /api/sites', {
          token: admin,
          body: { name: 'Form Shop', allowedOrigins: [host.origin] },
        });
        await server.api('PATCH /api/sites/:id', {
          params: { id: shop.id },
          token: admin,
          body: { settings: { preChat: true } },
        });
        host.configure({ siteKey: shop.key, serverOrigin: server.origin });
        const page = await freshPage();
        await page.goto(host.url());
        const w = widget(page);
        await w.launcher.click();
        const form = page.locator('[data-parley="prechat"]');
        await form.waitFor({ timeout: 15_000 });
        const email = form.getByLabel('Your email');
        await email.fill('not-an-email');
        await form.getByRole('button', { name: 'Start chat' }).click();
        // refused here, visibly and for screen readers, and the form stays
        const error = form.getByRole('alert');
        await error.waitFor();
        expect(await error.textContent()).toContain('Enter a valid email address');
        expect(await email.getAttribute('aria-invalid')).toBe('true');
        expect(await email.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
        expect(await w.input.count()).toBe(0);

        await email.fill('ada@example.com');
        await form.getByRole('button', { name: 'Start chat' }).click();
        await w.input.waitFor();
        await w.input.fill('Hello from the form shop');
        await w.send.click();
        const asked = await until(
          () => agent.messages.find((m) => m.text === 'Hello from the form shop'),
          15_000,
          'the message at the agent',
        );
        const detail = await server.api('GET /api/conversations/:id', {
          params: { id: asked.conversationId },
          token: admin,
        });
        expect(detail.visitor?.email).toBe('ada@example.com');

        // ending: the visitor has an email, so a transcript is offered
        const frames: string[] = [];
        page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
        await page.reload();
        await w.launcher.click();
        await w.byAuthor('visitor').filter({ hasText: 'Hello from the form shop' }).waitFor({ timeout: 15_000 });
        await w.panel.getByRole('button', { name: 'End chat' }).click();
        const confirm = page.getByRole('alertdialog', { name: 'End this conversation?' });
        await confirm.getByLabel('Email me a transcript').check();
        await confirm.getByRole('button', { name: 'End chat' }).click();
        await page.locator('[data-parley="rating"]').waitFor({ timeout: 15_000 });
        const close = frames.find((f) => f.includes('"conversation:close"'));
        expect(JSON.parse(close!.replace(/^\d+\/visitor,\d*/, ''))[1]).toEqual({
          conversationId: asked.conversationId,
          transcript: true,
        });
      } finally {
        await host.stop();
      }
    },
    T,
  );

  it(
    'an expired or forged link shows the expired page, and no chat',
    async () => {
      const links = await magicLinks(db.url);
      const target = { conversationId: 'c-unknown', visitorId: 'v-unknown', siteId: site.id };
      const page = await freshPage();
      for (const token of [links.issue(target, -60_000), `${links.issue(target).slice(0, -6)}abcdef`]) {
        const res = await page.goto(`${server.origin}/r/${token}`);
        expect(res?.status()).toBe(410);
        await expect(page.locator('h1').textContent()).resolves.toBe('This link has expired');
        expect(await page.locator('body').textContent()).toContain('open the chat on the website');
        expect(await page.locator('script[data-resume]').count()).toBe(0);
      }
    },
    T,
  );
});
