import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Attachment, Message } from '@parley/protocol';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, collectCspViolations, launchBrowser, type Page } from './helpers/browser.js';
import { connectVisitor, createAgent, type TestAgent, type TestVisitor } from './helpers/console-people.js';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server.js';
import { type ParleyServer, REPO_ROOT, SCREENSHOT_DIR, startServer, until } from './helpers/server.js';

/**
 * Attachments in the agent console, in Chromium against the real server: a visitor (a socket.io client) sends a
 * screenshot and a PDF; the agent sees the thumbnail in the thread and the PDF under "Files in this
 * conversation" and downloads it byte-identical; the agent pastes a screenshot and picks a file (its first
 * upload fails and is retried), sends them, and the visitor receives working links; a file dropped on the
 * conversation shows its progress and is cancelled; a file in an internal note never reaches the visitor.
 */

/** A PNG of `width` × `height` pixels in one colour, written by hand (no image library in the e2e package). */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n' +
    'trailer <</Root 1 0 R>>\n%%EOF\n',
);
const SCREENSHOT = png(320, 200, [220, 38, 38]);
const UPLOAD_MAX = 256 * 1024;

/** The server build must carry the upload routes: rebuilt when its sources are newer than dist/main.js. */
function ensureServerCurrent(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
      ),
    );
  const main = path.join(REPO_ROOT, 'packages/server/dist/main.js');
  let built = 0;
  try {
    built = statSync(main).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(
    newest(path.join(REPO_ROOT, 'packages/server/src')),
    newest(path.join(REPO_ROOT, 'packages/protocol/src')),
  );
  if (sources > built) {
    console.log('[e2e] building @parley/server (older than its sources)');
    execFileSync('pnpm', ['--filter', '@parley/server', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical WCAG 2.1 AA violations on the page, with where they are. */
async function axeViolations(page: Page): Promise<unknown[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    type Result = { id: string; impact: string | null; nodes: { target: unknown }[] };
    type Axe = { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> };
    const { violations } = await (window as unknown as { axe: Axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target) }));
  });
}

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console: attachments', () => {
  let server: ParleyServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let siteKey: string;
  let agent: TestAgent;
  let visitor: TestVisitor;
  let conversationId: string;
  let problems: string[];

  beforeAll(async () => {
    ensureServerCurrent();
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // A small size limit, so that a too-large file is quick to make.
    server = await startServer({ env: { PARLEY_UPLOAD_MAX_BYTES: String(UPLOAD_MAX) } });
    const adminToken = await server.login();
    siteKey = (await server.api('GET /api/sites', { token: adminToken })).sites[0]!.key;
    agent = await createAgent(server, adminToken, 'Fay Files');
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      acceptDownloads: true,
    });
    page = await context.newPage();
    problems = collectCspViolations(page);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await consoleLogin(page, server.origin, agent.email, agent.password);
  }, 180_000);

  afterAll(async () => {
    visitor?.close();
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOT_DIR, `console-attachments-${name}.png`), animations: 'disabled' });

  /** The visitor's upload, as the widget does it: `Authorization: Visitor <token>` and `?siteKey=`. */
  async function visitorUpload(name: string, type: string, bytes: Buffer): Promise<Attachment> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${server.origin}/api/uploads?siteKey=${encodeURIComponent(siteKey)}`, {
      method: 'POST',
      headers: { authorization: `Visitor ${visitor.session.visitorToken}` },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { attachment: Attachment }).attachment;
  }

  it('shows the visitor’s screenshot in the thread and their PDF under "Files in this conversation"', async () => {
    visitor = await connectVisitor(server, siteKey, { name: 'Uma Upload' });
    const shotFile = await visitorUpload('error.png', 'image/png', SCREENSHOT);
    const pdfFile = await visitorUpload('invoice.pdf', 'application/pdf', PDF);
    const { message } = await visitor.emit<{ message: Message }>('message:send', {
      clientId: 'uma-1',
      text: 'This error shows up, and here is my invoice',
      attachments: [shotFile.id, pdfFile.id],
    });
    conversationId = message.conversationId;

    await page.locator(`#conversation-list li[data-conversation="${conversationId}"] .conv-main`).click();
    const thumb = page.locator('.thread [data-author=visitor] .attachment-image img');
    await thumb.waitFor();
    expect(await thumb.getAttribute('alt')).toBe('error.png (open full size)');
    // The thumbnail really loaded through its signed URL (no headers on an <img>).
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 })
      .toBe(true);
    const full = await page.locator('.thread .attachment-image').getAttribute('href');
    expect(new URL(full!).origin).toBe(server.origin);
    await page.locator('.thread [data-author=visitor] .attachment-file', { hasText: 'invoice.pdf' }).waitFor();

    const files = page.locator('#visitor-panel [data-testid=conversation-files]');
    const pdfLink = files.getByRole('link', { name: /^Download invoice\.pdf/ });
    await pdfLink.waitFor();
    await files.getByRole('link', { name: /^Download error\.png/ }).waitFor();
    await shot('visitor-files');

    const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    const saved = readFileSync((await download.path())!);
    expect(saved.equals(PDF)).toBe(true);
  }, 90_000);

  it('the agent pastes a screenshot and picks a file; a failed upload is retried; the visitor gets both', async () => {
    const composer = page.locator('#composer-input');
    await composer.click();
    // Paste: the clipboard holds an image, as after taking a screenshot.
    const pasted = png(240, 160, [37, 99, 235]);
    await composer.evaluate((el, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, Array.from(pasted));
    await page.locator('.upload-tray .upload[data-upload=done]', { hasText: 'image.png' }).waitFor();

    // The file chooser; its first upload is cut off and fails, the retry goes through.
    let refused = false;
    await page.route('**/api/uploads', async (route) => {
      if (refused) return route.fallback();
      refused = true;
      await route.abort('connectionreset');
    });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles({ name: 'fix.png', mimeType: 'image/png', buffer: png(200, 120, [22, 163, 74]) });
    const failed = page.locator('.upload-tray .upload[data-upload=failed]', { hasText: 'fix.png' });
    await failed.waitFor();
    expect(await page.locator('.composer button.send').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Retry uploading fix.png' }).click();
    await page.locator('.upload-tray .upload[data-upload=done]', { hasText: 'fix.png' }).waitFor();
    await page.unroute('**/api/uploads');
    await shot('composer');

    await composer.fill('Here is how it should look');
    await page.keyboard.press('Enter');
    const sent = page.locator('.thread [data-author=agent]', { hasText: 'Here is how it should look' });
    await sent.locator('[data-delivery=sent]').waitFor();
    expect(await sent.locator('.attachment-image img').count()).toBe(2);
    expect(await page.locator('.upload-tray').count()).toBe(0);

    const received = await until(
      () => visitor.messages.find((m) => m.text === 'Here is how it should look'),
      15_000,
      'the agent’s reply at the visitor',
    );
    expect(received.attachments.map((a) => a.name)).toEqual(['image.png', 'fix.png']);
    for (const a of received.attachments) {
      // The visitor's link works as it is: its signature grants access without headers.
      const res = await fetch(new URL(a.url, server.origin));
      expect(res.status, a.name).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\//);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  }, 90_000);

  it('a file dropped on the conversation shows its progress and can be cancelled', async () => {
    // The upload is held at the server's door, so it is still running when the agent cancels it.
    await page.route('**/api/uploads', () => {});
    const conversation = page.locator('section.conversation');
    await conversation.evaluate((el, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dropped.pdf', { type: 'application/pdf' }));
      el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, Array.from(PDF));
    await page.locator('.drop-overlay').waitFor();
    await conversation.evaluate((el, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'dropped.pdf', { type: 'application/pdf' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, Array.from(PDF));
    await page.locator('.drop-overlay').waitFor({ state: 'detached' });
    const upload = page.locator('.upload-tray .upload[data-upload=uploading]', { hasText: 'dropped.pdf' });
    await upload.getByRole('progressbar', { name: 'Uploading dropped.pdf' }).waitFor();
    await page.locator('.upload-status', { hasText: 'Uploading a file' }).waitFor();
    expect(await page.locator('.composer button.send').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel uploading dropped.pdf' }).click();
    await page.locator('.upload-tray').waitFor({ state: 'detached' });
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  }, 30_000);

  it('a file over the size limit is refused, says so, and can be removed', async () => {
    await page.locator('#composer-files').setInputFiles({
      name: 'huge.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([PDF, Buffer.alloc(UPLOAD_MAX * 2, 0x20)]),
    });
    const failed = page.locator('.upload-tray .upload[data-upload=failed]', { hasText: 'huge.pdf' });
    await failed.waitFor();
    expect(await failed.locator('.upload-meta').textContent()).toBe('Too large to send');
    await page.locator('.upload-status', { hasText: 'could not be uploaded' }).waitFor();
    await page.getByRole('button', { name: 'Remove huge.pdf' }).click();
    await page.locator('.upload-tray').waitFor({ state: 'detached' });
    // The removed file's button is gone: focus carries on in the message box.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
  }, 30_000);

  it('a file in an internal note stays with the agents', async () => {
    await page.getByRole('button', { name: 'Internal note' }).click();
    await page.locator('#composer-files').setInputFiles({
      name: 'refund-approval.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.locator('.upload-tray .upload[data-upload=done]', { hasText: 'refund-approval.pdf' }).waitFor();
    // A note may be only a file.
    await page.locator('.composer button.send').click();
    const note = page.locator('.thread [data-internal=true]', { hasText: 'refund-approval.pdf' });
    await note.locator('[data-delivery=sent]').waitFor();
    const listed = page.locator('#visitor-panel .shared-file', { hasText: 'refund-approval.pdf' });
    await listed.locator('.note-tag').waitFor();
    await shot('internal-note');

    // The next reply reaches the visitor; the note's file never did.
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('#composer-input').fill('Your refund is on its way');
    await page.keyboard.press('Enter');
    await until(() => visitor.messages.some((m) => m.text === 'Your refund is on its way'), 15_000, 'the reply');
    const names = visitor.messages.flatMap((m) => m.attachments.map((a) => a.name));
    expect(names).not.toContain('refund-approval.pdf');
    expect(problems).toEqual([]);
  }, 60_000);

  it('a conversation with files, and files waiting in the composer, pass an axe audit', async () => {
    // axe is injected as an inline script: only this context bypasses the console's strict CSP.
    const audited = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
    try {
      const tab = await audited.newPage();
      await consoleLogin(tab, server.origin, agent.email, agent.password);
      await tab.goto(`${server.origin}/console/inbox/${conversationId}`);
      await tab.locator('.thread .attachment-image img').first().waitFor();
      await tab.locator('#visitor-panel [data-testid=conversation-files]').waitFor();
      await tab.locator('#composer-files').setInputFiles([
        { name: 'notes.pdf', mimeType: 'application/pdf', buffer: PDF },
        { name: 'screen.png', mimeType: 'image/png', buffer: SCREENSHOT },
      ]);
      await tab.locator('.upload-tray .upload[data-upload=done]').nth(1).waitFor();
      expect(await axeViolations(tab)).toEqual([]);
    } finally {
      await audited.close();
    }
  }, 60_000);
});
