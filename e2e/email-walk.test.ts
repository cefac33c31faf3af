import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEmail } from '../packages/server/test/helpers/inbound-email.js';
import { type SmtpCapture, startSmtpCapture } from '../packages/server/test/helpers/smtp-capture.js';
import { type Browser, chromiumAvailable, type HostPage, launchBrowser, startHostPage } from './helpers/browser.js';
import { createAgent, type TestAgent } from './helpers/console-people.js';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server.js';
import { type ParleyServer, SCREENSHOT_DIR, startServer } from './helpers/server.js';
import { widget } from './helpers/widget.js';

/**
 * The email channel as people use it, with real parts only: a visitor leaves their email in the widget's
 * pre-chat form, asks, and closes the tab; an agent answers in the console; the visitor gets ONE email
 * (real SMTP, to a capture server), opens its link in another browser and finds the chat there, then
 * answers the email from their mail client (real SMTP to Parley's inbound listener): the agent sees the
 * answer live, without the quoted history, once, even when the mail server delivers it twice.
 */

const T = 40_000;
const POLL_MS = 300;
const SITE_NAME = 'Lumen Lamps';
const REPLY_DOMAIN = 'reply.lumen.test';
const VISITOR_EMAIL = 'ada@example.org';
const QUESTION = 'Is the brass desk lamp back in stock?';
// HTML in a reply is text: it must arrive in the email as these characters, never as markup.
const ANSWER = 'Yes! Use code <b>LAMP10</b> & save 10% — "today" only.';
const EMAILED = 'Lovely, I will order it tonight. Does it ship to Lisbon?';
const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('the email channel, walked in Chromium', () => {
  let smtp: SmtpCapture;
  let host: HostPage;
  let server: ParleyServer;
  let browser: Browser;
  let sam: TestAgent;
  let inboundPort: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    smtp = await startSmtpCapture();
    host = await startHostPage();
    server = await startServer({
      siteOrigins: [host.origin],
      env: {
        SMTP_URL: smtp.url,
        PARLEY_EMAIL_AFTER_MS: '1500',
        PARLEY_EMAIL_POLL_MS: String(POLL_MS),
        PARLEY_EMAIL_REPLY_DOMAIN: REPLY_DOMAIN,
        PARLEY_SMTP_INBOUND_PORT: '0',
      },
    });
    const inbound = server.logs
      .map((line) => JSON.parse(line) as { msg?: string; port?: number })
      .find((entry) => entry.msg === 'inbound SMTP listening');
    if (!inbound?.port) throw new Error(`no inbound SMTP listener in the logs:\n${server.logs.join('\n')}`);
    inboundPort = inbound.port;
    const admin = await server.login();
    const site = (await server.api('GET /api/sites', { token: admin })).sites[0]!;
    await server.api('PATCH /api/sites/:id', {
      params: { id: site.id },
      token: admin,
      body: { name: SITE_NAME, settings: { preChat: true } },
    });
    host.configure({ siteKey: site.key, serverOrigin: server.origin });
    sam = await createAgent(server, admin, 'Sam Support');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await host?.stop();
    await smtp?.stop();
  });

  const newContext = async (viewport = { width: 1280, height: 800 }) => {
    const context = await browser.newContext({ viewport, colorScheme: 'light' });
    contexts.push(context);
    return context;
  };

  it(
    'reply by email while away, resume from the link in a fresh browser, answer the email into the console',
    async () => {
      // Sam works in the console
      const consolePage = await (await newContext({ width: 1440, height: 900 })).newPage();
      await consoleLogin(consolePage, server.origin, sam.email, sam.password);
      const thread = consolePage.locator('.thread');

      // a visitor on the shop leaves their email in the pre-chat form, asks, and closes the tab once it is sent
      const shop = await newContext();
      const shopPage = await shop.newPage();
      await shopPage.goto(host.url());
      const w = widget(shopPage);
      await w.launcher.click();
      const form = shopPage.locator('[data-parley="prechat"]');
      await form.getByLabel('Your name').fill('Ada Lovelace');
      await form.getByLabel('Your email').fill(VISITOR_EMAIL);
      await form.getByRole('button', { name: 'Start chat' }).click();
      await w.input.fill(QUESTION);
      await w.input.press('Enter');
      await w.byAuthor('visitor').filter({ hasText: QUESTION }).and(shopPage.locator('[data-state="sent"]')).waitFor();
      await shop.close();

      // Sam gets the chat and answers; no widget is there to show the answer
      const row = consolePage.locator('#conversation-list li[data-conversation]', { hasText: 'Ada Lovelace' });
      await row.waitFor({ timeout: 15_000 });
      const conversationId = (await row.getAttribute('data-conversation'))!;
      await row.locator('.conv-main').click();
      await thread.locator('[data-author=visitor]', { hasText: QUESTION }).waitFor();
      await consolePage.locator('#composer-input').fill(ANSWER);
      await consolePage.locator('#composer-input').press('Enter');
      const answer = thread.locator('[data-author=agent]', { hasText: ANSWER });
      await answer.locator('[data-delivery=sent]').waitFor();
      expect(await answer.locator('[data-seen]').count()).toBe(0);

      // exactly one email reaches the visitor: the answer, as text, with a reply address
      const mail = await smtp.waitFor((m) => m.to.includes(VISITOR_EMAIL), 15_000);
      expect(mail.subject).toBe(`New reply from ${SITE_NAME}`);
      expect(mail.text).toContain(ANSWER);
      expect(mail.text).toContain('Sam Support');
      expect(mail.html).toContain('Use code &lt;b&gt;LAMP10&lt;/b&gt; &amp; save 10% — &quot;today&quot; only.');
      expect(mail.html).not.toContain('<b>LAMP10</b>');
      expect(mail.replyTo).toHaveLength(1);
      const replyTo = mail.replyTo[0]!;
      expect(replyTo).toMatch(new RegExp(`^reply\\+[^@]+@${REPLY_DOMAIN.replaceAll('.', '\\.')}$`));
      // the worker goes round several more times: no second email for the same answer (a negative, so a wait)
      await new Promise((resolve) => setTimeout(resolve, 5 * POLL_MS));
      expect(smtp.messages).toHaveLength(1);

      // the email's link, opened in a fresh browser (another device: no storage), shows the conversation
      const link = /(https?:\/\/\S+\/r\/[A-Za-z0-9._-]+)/.exec(mail.text)?.[1];
      expect(link?.startsWith(`${server.origin}/r/`)).toBe(true);
      const phone = await newContext({ width: 390, height: 844 });
      const phonePage = await phone.newPage();
      expect((await phonePage.goto(link!))?.status()).toBe(200);
      const resumed = widget(phonePage);
      await resumed.panel.waitFor({ timeout: 15_000 });
      await resumed.byAuthor('visitor').filter({ hasText: QUESTION }).waitFor({ timeout: 15_000 });
      await resumed.byAuthor('agent').filter({ hasText: ANSWER }).waitFor();
      // and Sam's console says the visitor has seen it
      await answer.locator('[data-seen]').waitFor({ timeout: 15_000 });

      // the visitor answers the email from their mail client, with the quoted history under their text
      const raw = [
        `From: Ada Lovelace <${VISITOR_EMAIL}>`,
        `To: ${replyTo}`,
        `Subject: Re: ${mail.subject}`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: <${randomUUID()}@mail.example.org>`,
        ...(mail.messageId ? [`In-Reply-To: ${mail.messageId}`, `References: ${mail.messageId}`] : []),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        EMAILED,
        '',
        `On ${new Date().toUTCString()}, ${SITE_NAME} <parley@${REPLY_DOMAIN}> wrote:`,
        ...mail.text.split('\n').map((line) => `> ${line}`),
        '',
      ].join('\r\n');
      const deliver = () =>
        sendEmail(inboundPort, { envelope: { from: VISITOR_EMAIL, to: [replyTo] }, raw: Buffer.from(raw) });
      expect((await deliver()).response).toMatch(/^250 .*accepted \(appended\)/);

      // Sam sees it live, without the quote
      const emailed = thread.locator('[data-author=visitor]', { hasText: 'ship to Lisbon' });
      await emailed.waitFor({ timeout: 15_000 });
      expect(((await emailed.locator('.bubble').textContent()) ?? '').trim()).toBe(EMAILED);
      expect(await thread.textContent()).not.toContain('wrote:');
      expect(await thread.locator('[data-author=visitor]', { hasText: 'LAMP10' }).count()).toBe(0);
      await emailed.scrollIntoViewIfNeeded();
      await consolePage.screenshot({
        path: path.join(SCREENSHOT_DIR, 'email-walk-console.png'),
        animations: 'disabled',
      });
      // the visitor's details show the page they are on, but not the link's token (a key to the conversation)
      expect(await consolePage.content()).not.toContain(link!.split('/r/')[1]);

      // the mail server delivers the very same email again: it is taken in once
      expect((await deliver()).response).toMatch(/^250 .*accepted \(duplicate\)/);
      // whatever the duplicate caused reached the console before the widget's next message does
      const after = 'Also, could you gift-wrap it?';
      await resumed.input.fill(after);
      await resumed.input.press('Enter');
      await thread.locator('[data-author=visitor]', { hasText: after }).waitFor({ timeout: 15_000 });
      expect(await emailed.count()).toBe(1);
      // the open widget showed the emailed answer too, once
      const inWidget = resumed.byAuthor('visitor').filter({ hasText: 'ship to Lisbon' });
      await inWidget.waitFor();
      expect(await inWidget.count()).toBe(1);
      const stored = await server.api('GET /api/conversations/:id/messages', {
        params: { id: conversationId },
        token: await server.login(),
      });
      expect(stored.messages.filter((m) => m.text.includes('Lisbon')).map((m) => m.text)).toEqual([EMAILED]);

      // still the one email: nothing else was sent along the way
      expect(smtp.messages).toHaveLength(1);
    },
    T,
  );
});
