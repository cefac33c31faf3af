import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Attachment, Message } from '@parley/protocol';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, type HostPage, type Page } from './helpers/browser';
import { drawPng, handFiles, samplePdf } from './helpers/files';
import { type AgentClient, connectAgent, type ParleyServer, SCREENSHOT_DIR, until } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * Attachments in the widget, in Chromium against the real server: paste, drop and the attach button; the
 * agent's copy and the bytes behind its url; files from the agent shown as thumbnails; a network drop in
 * the middle of an upload (the message still arrives exactly once, no file is uploaded twice); a reload in
 * the middle of one (the file is reported lost, the message goes without it); cancel, a refused type, Arabic.
 */

const T = 90_000;
const hasChromium = chromiumAvailable();

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string } };

describe.skipIf(!hasChromium)('widget attachments in Chromium against the real server', () => {
  let server: ParleyServer;
  let host: HostPage;
  let browser: Browser;
  let token: string;
  let agent: AgentClient;

  const stack = useWidgetStack();
  beforeAll(async () => {
    ({ server, host, browser, token } = stack);
    agent = await connectAgent(server, token);
  });
  afterAll(() => agent?.close());

  async function openChat(options: Parameters<Browser['newContext']>[0] = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(host.url());
    const w = widget(page);
    await w.launcher.click();
    await w.input.waitFor();
    return { context, page, w };
  }

  const sentRow = (page: Page, text: string) =>
    widget(page).byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]'));

  const agentCopy = (text: string) =>
    until(() => agent.messages.find((m) => m.text === text) as Message | undefined, 15_000, `agent to get "${text}"`);

  const storedMessages = async (conversationId: string) =>
    (await server.api('GET /api/conversations/:id/messages', { params: { id: conversationId }, token }))
      .messages as Message[];

  const visitorToken = (page: Page) =>
    until(
      () => page.evaluate((key) => localStorage.getItem(`parley:${key}:token`), stack.site.key),
      10_000,
      'a visitor token',
    );

  const download = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(new URL(url, server.origin), { headers });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  it(
    'a pasted screenshot and a dropped PDF reach the agent in one message; the PDF downloads byte-identical',
    async () => {
      const { context, page, w } = await openChat();
      const shot = await drawPng(page, 120, 80, 'screenshot.png');
      const pdf = samplePdf('invoice.pdf');
      await handFiles(page, 'paste', [shot]);
      await handFiles(page, 'drop', [pdf]);
      const drafts = page.locator('[data-parley="draft-file"]');
      await expect.poll(() => drafts.count()).toBe(2);
      expect(await drafts.nth(1).textContent()).toContain('invoice.pdf');
      // a file can be taken out again before sending, from the keyboard; the focus goes back to the message box
      await handFiles(page, 'drop', [samplePdf('oops.pdf')]);
      await expect.poll(() => drafts.count()).toBe(3);
      const remove = drafts.nth(2).locator('[data-parley="remove-file"]');
      expect(await remove.getAttribute('aria-label')).toBe('Remove oops.pdf');
      await remove.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => drafts.count()).toBe(2);
      await expect
        .poll(() => page.evaluate(() => document.getElementById('parley-root')?.shadowRoot?.activeElement?.id))
        .toBe('parley-input');

      const text = 'Here is the error, and my invoice';
      await w.input.fill(text);
      await w.input.press('Enter');
      await sentRow(page, text).waitFor({ timeout: 30_000 });
      expect(await drafts.count()).toBe(0);

      const copy = await agentCopy(text);
      expect(copy.attachments.map((a) => [a.name, a.type])).toEqual([
        ['screenshot.png', 'image/png'],
        ['invoice.pdf', 'application/pdf'],
      ]);
      const [image, doc] = copy.attachments as [Attachment, Attachment];
      expect(image.thumbnailUrl).toBeTruthy();
      expect(doc.size).toBe(pdf.buffer.length);
      // the agent downloads the PDF through its url: the same bytes, as a download
      const got = await download(doc.url);
      expect(got.res.status).toBe(200);
      expect(got.bytes.equals(pdf.buffer)).toBe(true);
      expect(got.res.headers.get('content-disposition')).toMatch(/^attachment/);

      // the visitor's own message shows the thumbnail and a named, sized link to the same file
      const mine = sentRow(page, text);
      await mine.locator('img').waitFor();
      const link = mine.locator('a.file[data-parley="attachment"]');
      expect(await link.textContent()).toContain('invoice.pdf');
      expect(await link.getAttribute('aria-label')).toMatch(/invoice\.pdf, 4(\.\d)? kB/);
      const href = (await link.getAttribute('href'))!;
      expect(new URL(href).origin).toBe(server.origin);
      expect(new URL(href).pathname).toBe(new URL(doc.url, server.origin).pathname);
      // without a signature the path needs credentials: the visitor's own work, another visitor's get 404
      const path = new URL(doc.url, server.origin).pathname;
      const own = await visitorToken(page);
      expect((await download(path, { authorization: `Visitor ${own}` })).bytes.equals(pdf.buffer)).toBe(true);
      const other = await openChat();
      const stranger = await visitorToken(other.page);
      expect((await download(path, { authorization: `Visitor ${stranger}` })).res.status).toBe(404);
      expect((await download(path)).res.status).toBe(404);
      await other.context.close();
      await context.close();
    },
    T,
  );

  it(
    "files of the visitor's own messages are signed, in the acknowledgement and in the history after a reload",
    async () => {
      const { context, page, w } = await openChat();
      const shot = await drawPng(page, 90, 60, 'mine.png');
      const pdf = samplePdf('mine.pdf');
      await handFiles(page, 'paste', [shot, pdf]);
      const text = 'My own files';
      await w.input.fill(text);
      await w.input.press('Enter');
      for (const pass of ['acknowledged', 'after a reload']) {
        if (pass === 'after a reload') {
          await page.reload();
          await w.launcher.click();
        }
        const mine = sentRow(page, text);
        await mine.waitFor({ timeout: 30_000 });
        const img = mine.locator('img');
        await expect
          .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { message: pass })
          .toBeGreaterThan(0);
        const href = (await mine.locator('a.file').getAttribute('href'))!;
        const got = await download(href);
        expect(got.res.status, `${pass}: ${href}`).toBe(200);
        expect(got.bytes.equals(pdf.buffer)).toBe(true);
      }
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'widget-attachments.png'), animations: 'disabled' });
      await context.close();
    },
    T,
  );

  it(
    'an image the agent sends shows as a thumbnail that opens full size',
    async () => {
      const { context, page } = await openChat();
      const text = 'Can you send me the diagram?';
      const w = widget(page);
      await w.input.fill(text);
      await w.input.press('Enter');
      const question = await agentCopy(text);

      const png = await drawPng(page, 300, 200, 'diagram.png');
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png.buffer)], { type: 'image/png' }), png.name);
      const up = await fetch(`${server.origin}/api/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(up.status).toBe(201);
      const { attachment } = (await up.json()) as { attachment: Attachment };
      const ack = (await agent.socket.timeout(10_000).emitWithAck('message:send', {
        conversationId: question.conversationId,
        clientId: `agent-diagram-${Date.now()}`,
        text: '',
        attachments: [attachment.id],
      })) as Ack<{ message: Message }>;
      expect(ack.ok).toBe(true);

      const reply = w.byAuthor('agent').filter({ has: page.locator('img') });
      await reply.waitFor();
      const img = reply.locator('img');
      await expect
        .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
        .toBeGreaterThan(0);
      expect(await img.getAttribute('alt')).toBe('diagram.png');
      const open = reply.locator('a[data-parley="attachment"]');
      expect(await open.getAttribute('target')).toBe('_blank');
      expect(await open.getAttribute('rel')).toBe('noopener noreferrer');
      // keyboard only: the thumbnail is a link that opens the full image in a new tab
      const popup = context.waitForEvent('page');
      await open.focus();
      await page.keyboard.press('Enter');
      const tab = await popup;
      expect(new URL(tab.url()).pathname).toBe(new URL(attachment.url, server.origin).pathname);
      await context.close();
    },
    T,
  );

  it(
    'offline in the middle of an upload: sent exactly once after reconnecting, no file uploaded twice',
    async () => {
      const { context, page, w } = await openChat();
      await w.input.fill('Before the files');
      await w.input.press('Enter');
      const before = await agentCopy('Before the files');

      const uploads: string[] = [];
      page.on('request', (req) => {
        if (req.method() === 'POST' && req.url().includes('/api/uploads')) {
          uploads.push(/filename="([^"]+)"/.exec(req.postDataBuffer()?.toString('latin1') ?? '')?.[1] ?? '?');
        }
      });
      let hold: ((route: Route) => void) | null = null;
      const held = new Promise<Route>((resolve) => {
        hold = resolve;
      });
      await page.route('**/api/uploads?**', async (route) => {
        const body = route.request().postDataBuffer()?.toString('latin1') ?? '';
        if (hold && body.includes('filename="two.pdf"')) {
          hold(route);
          hold = null;
          return;
        }
        await route.continue();
      });

      // the attach button this time, from the keyboard: the browser's file chooser
      const chooser = page.waitForEvent('filechooser');
      const attach = page.locator('[data-parley="attach"]');
      expect(await attach.getAttribute('aria-label')).toBe('Attach a file');
      await attach.focus();
      await page.keyboard.press('Enter');
      const one = samplePdf('one.pdf');
      const two = samplePdf('two.pdf');
      await (await chooser).setFiles([one, two]);
      const text = 'Two files through a tunnel';
      await w.input.fill(text);
      await w.input.press('Enter');

      const route = await held; // one.pdf is up, two.pdf is on its way
      await page.locator('[data-parley="upload-progress"]').waitFor();
      // announced to screen readers in steps, not on every progress event
      const row = w.byAuthor('visitor').filter({ hasText: text });
      expect(await row.locator('[aria-live="polite"]').textContent()).toMatch(/^Uploading… \d+%$/);
      await context.setOffline(true);
      await route.abort('internetdisconnected');
      await row.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await context.setOffline(false);

      await sentRow(page, text).waitFor({ timeout: 30_000 });
      const stored = (await storedMessages(before.conversationId)).filter((m) => m.text === text);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.attachments.map((a) => a.name)).toEqual(['one.pdf', 'two.pdf']);
      await until(() => agent.messages.some((m) => m.text === text), 10_000, 'agent to see the message');
      expect(new Set(agent.messages.filter((m) => m.text === text).map((m) => m.id)).size).toBe(1);
      // one.pdf went up once; two.pdf twice (the dropped attempt and the retry)
      expect(uploads.filter((n) => n === 'one.pdf')).toHaveLength(1);
      expect(uploads.filter((n) => n === 'two.pdf')).toHaveLength(2);
      const got = await download(stored[0]!.attachments[1]!.url, { authorization: `Bearer ${token}` });
      expect(got.bytes.equals(two.buffer)).toBe(true);
      await context.close();
    },
    T,
  );

  it(
    'a file not uploaded when the page reloads is reported lost; retrying sends the message without it',
    async () => {
      const { context, page, w } = await openChat();
      await w.input.fill('Before the reload');
      await w.input.press('Enter');
      const before = await agentCopy('Before the reload');
      // the upload never gets an answer: the page reloads while it is on its way
      let seen = false;
      await page.route('**/api/uploads?**', () => {
        seen = true;
      });
      const chooser = page.waitForEvent('filechooser');
      await page.locator('[data-parley="attach"]').click();
      await (await chooser).setFiles([samplePdf('lost.pdf')]);
      const text = 'Sent just before a reload';
      await w.input.fill(text);
      await w.input.press('Enter');
      await until(() => seen, 10_000, 'the upload to start');
      await page.reload();
      await w.launcher.click();

      const row = w.byAuthor('visitor').filter({ hasText: text });
      await row.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 15_000 });
      expect(await row.locator('.fnote').textContent()).toContain('lost.pdf');
      await row.locator('.retry').click();
      await sentRow(page, text).waitFor({ timeout: 15_000 });
      const stored = (await storedMessages(before.conversationId)).filter((m) => m.text === text);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.attachments).toEqual([]);
      await context.close();
    },
    T,
  );

  it(
    'cancel stops an upload and the message is never sent; a refused type says why',
    async () => {
      const { context, page, w } = await openChat();
      await w.input.fill('Before cancelling');
      await w.input.press('Enter');
      const before = await agentCopy('Before cancelling');
      let seen = false;
      await page.route('**/api/uploads?**', () => {
        seen = true; // never answered: the upload stays on its way until cancelled
      });
      await handFiles(page, 'drop', [samplePdf('slow.pdf')]);
      await w.input.fill('Never mind');
      await w.input.press('Enter');
      await until(() => seen, 10_000, 'the upload to start');
      const row = w.byAuthor('visitor').filter({ hasText: 'Never mind' });
      await row.locator('[data-parley="cancel-upload"]').click();
      await row.waitFor({ state: 'detached' });
      await page.unroute('**/api/uploads?**');

      // bytes that are no known type: the server refuses them (415) and the row says so
      await handFiles(page, 'drop', [
        { name: 'tool.bin', mimeType: 'application/octet-stream', buffer: randomBytes(2048) },
      ]);
      await w.input.fill('A binary');
      await w.input.press('Enter');
      const refused = w.byAuthor('visitor').filter({ hasText: 'A binary' });
      await refused.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 15_000 });
      expect(await refused.locator('.fnote').textContent()).toBe('This type of file cannot be sent.');

      const texts = (await storedMessages(before.conversationId)).map((m) => m.text);
      expect(texts).not.toContain('Never mind');
      expect(texts).not.toContain('A binary');
      await context.close();
    },
    T,
  );

  it(
    'in Arabic: the previews and the file links speak Arabic and lay out right-to-left',
    async () => {
      const { context, page, w } = await openChat({ locale: 'ar' });
      expect(await page.locator('[data-parley="attach"]').getAttribute('aria-label')).toBe('إرفاق ملف');
      await handFiles(page, 'drop', [samplePdf('fatura.pdf')]);
      const chip = page.locator('[data-parley="draft-file"]');
      await chip.waitFor();
      const remove = chip.locator('[data-parley="remove-file"]');
      expect(await remove.getAttribute('aria-label')).toBe('إزالة fatura.pdf');
      // the remove button ends the chip: on its left in RTL
      const name = (await chip.locator('.fname').boundingBox())!;
      expect((await remove.boundingBox())!.x).toBeLessThan(name.x);
      await w.input.fill('مرحبا');
      await w.input.press('Enter');
      const link = sentRow(page, 'مرحبا').locator('a.file');
      await link.waitFor({ timeout: 30_000 });
      expect(await link.getAttribute('aria-label')).toMatch(/^تنزيل fatura\.pdf، /);
      await context.close();
    },
    T,
  );
});
