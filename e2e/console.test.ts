import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Conversation, Message, VisitorSession } from '@parley/protocol';
import type { BrowserContext } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, collectCspViolations, launchBrowser, type Page } from './helpers/browser.js';
import { consoleLogin, ensureConsoleBuilt, setConsoleStatus } from './helpers/console-server.js';
import { type ParleyServer, SCREENSHOT_DIR, startServer, until } from './helpers/server.js';

/**
 * The agent console in Chromium against the real server process: two agents, a supervisor and an admin in
 * separate browser contexts; visitors are socket.io clients on /visitor.
 */

const UA_MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

type TestVisitor = {
  socket: Socket;
  session: VisitorSession;
  messages: Message[];
  updates: Conversation[];
  send(text: string): Promise<Message>;
  emit<T extends object = object>(event: string, payload: unknown): Promise<T>;
};

async function connectVisitor(
  server: ParleyServer,
  siteKey: string,
  opts: { origin?: string; name?: string; email?: string } = {},
): Promise<TestVisitor> {
  const socket = io(`${server.origin}/visitor`, {
    auth: { siteKey },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'user-agent': UA_MAC_CHROME, ...(opts.origin ? { origin: opts.origin } : {}) },
  });
  const messages: Message[] = [];
  const updates: Conversation[] = [];
  socket.on('message:new', (m: Message) => messages.push(m));
  socket.on('conversation:updated', (c: Conversation) => updates.push(c));
  const session = await new Promise<VisitorSession>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
  });
  let n = 0;
  const emit = async <T extends object>(event: string, payload: unknown): Promise<T> => {
    const res = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
    if (!res.ok) throw new Error(`${event} failed: ${res.error.code} ${res.error.message}`);
    return res;
  };
  await emit('visitor:context', {
    url: 'https://shop.example.com/checkout?step=2',
    title: 'Checkout — Example Shop',
    referrer: 'https://www.google.com/',
    locale: 'de-DE',
  });
  if (opts.name || opts.email) await emit('visitor:update', { name: opts.name, email: opts.email });
  return {
    socket,
    session,
    messages,
    updates,
    emit,
    async send(text) {
      const res = await emit<{ message: Message }>('message:send', { clientId: `v-${Date.now()}-${n++}`, text });
      return res.message;
    },
  };
}

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console', () => {
  let server: ParleyServer;
  let browser: Browser;
  let adminToken: string;
  let siteKey: string;
  const contexts: BrowserContext[] = [];
  const csp: string[][] = [];
  const people = {
    ana: { email: 'ana@example.com', password: 'ana-password-1', name: 'Ana Alvarez', id: '' },
    ben: { email: 'ben@example.com', password: 'ben-password-1', name: 'Ben Brooks', id: '' },
    sue: { email: 'sue@example.com', password: 'sue-password-1', name: 'Sue Supervisor', id: '' },
  };
  let ana: Page;
  let ben: Page;
  let sue: Page;
  let vera: TestVisitor;
  let veraConversation: string;
  let walt: TestVisitor;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    contexts.push(context);
    const page = await context.newPage();
    const problems = collectCspViolations(page);
    csp.push(problems);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    return page;
  }
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SCREENSHOT_DIR, `console-${name}.png`), animations: 'disabled' });
  const row = (page: Page, conversationId: string) =>
    page.locator(`#conversation-list li[data-conversation="${conversationId}"]`);

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    server = await startServer();
    adminToken = await server.login();
    for (const [key, p] of Object.entries(people)) {
      const agent = await server.api('POST /api/agents', {
        token: adminToken,
        body: {
          email: p.email,
          name: p.name,
          password: p.password,
          role: key === 'sue' ? 'supervisor' : 'agent',
          maxChats: 3,
        },
      });
      p.id = agent.id;
    }
    await server.api('POST /api/canned', {
      token: adminToken,
      body: { shortcut: 'refund', text: 'Refunds reach your card within 5 business days, {name}.' },
    });
    await server.api('POST /api/canned', {
      token: adminToken,
      body: { shortcut: 'hello', text: 'Hi {name}! Thanks for reaching out — how can I help?' },
    });
    siteKey = (await server.api('GET /api/sites', { token: adminToken })).sites[0]!.key;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    vera?.socket.close();
    walt?.socket.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('routes a new visitor message live into the right inbox; away agents get nothing', async () => {
    sue = await newPage();
    await consoleLogin(sue, server.origin, people.sue.email, people.sue.password);
    await setConsoleStatus(sue, 'away');
    ben = await newPage();
    await consoleLogin(ben, server.origin, people.ben.email, people.ben.password);
    await setConsoleStatus(ben, 'away');
    ana = await newPage();
    await consoleLogin(ana, server.origin, people.ana.email, people.ana.password);
    await expect.poll(() => ana.locator('.status-toggle button.on').textContent()).toContain('Online');

    vera = await connectVisitor(server, siteKey, { name: 'Vera Visitor', email: 'vera@example.org' });
    const first = await vera.send('Hi, my card was charged twice for order #1042');
    veraConversation = first.conversationId;

    // Live in Ana's "Mine" tab, with the preview and an unread badge; not in Ben's.
    const anaRow = row(ana, veraConversation);
    await anaRow.waitFor({ timeout: 10_000 });
    await expect.poll(() => anaRow.textContent()).toContain('Vera Visitor');
    await expect.poll(() => anaRow.textContent()).toContain('charged twice');
    await expect.poll(() => anaRow.locator('.unread-badge, .pill-new').count()).toBeGreaterThan(0);
    await expect.poll(() => ana.locator('[data-testid=load]').textContent()).toContain('1 / 3');
    await expect.poll(() => ana.title()).toMatch(/^\(\d+\) /);
    await ben.waitForTimeout(800);
    expect(await row(ben, veraConversation).count()).toBe(0);
    expect(await row(sue, veraConversation).count()).toBe(0);
    await shot(ana, 'inbox');
  }, 90_000);

  it('replies, uses a canned response via "/", notes internally, transfers with a note; the visitor never sees notes', async () => {
    await row(ana, veraConversation).locator('.conv-main').click();
    const thread = ana.locator('.thread');
    await thread.locator('[data-author=visitor]', { hasText: 'charged twice' }).waitFor();
    // Visitor sidebar: page, referrer, browser/OS from the user agent, locale, name and email.
    const sidebar = ana.locator('aside.visitor');
    await expect.poll(() => sidebar.textContent()).toContain('Chrome 126 · macOS');
    const sideText = (await sidebar.textContent()) ?? '';
    for (const expected of [
      'Checkout — Example Shop',
      'shop.example.com/checkout',
      'www.google.com',
      'de-DE',
      'vera@example.org',
    ])
      expect(sideText).toContain(expected);

    // Enter sends; Shift+Enter makes a new line.
    const composer = ana.locator('#composer-input');
    await composer.fill('Hi Vera! Let me check that for you.');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('One moment.');
    await composer.press('Enter');
    await thread.locator('[data-author=agent]', { hasText: 'One moment.' }).locator('[data-delivery=sent]').waitFor();
    await until(
      () => vera.messages.find((m) => m.text === 'Hi Vera! Let me check that for you.\nOne moment.'),
      10_000,
      'reply at visitor',
    );

    // Canned response with "/" autocomplete.
    await composer.pressSequentially('/ref');
    const menu = ana.locator('.canned-menu');
    await menu.waitFor();
    expect(await menu.textContent()).toContain('/refund');
    await composer.press('Enter');
    await expect.poll(() => composer.inputValue()).toBe('Refunds reach your card within 5 business days, Vera.');
    await composer.press('Enter');
    await until(
      () => vera.messages.find((m) => m.text.startsWith('Refunds reach your card')),
      10_000,
      'canned at visitor',
    );

    // Internal note: visually distinct, saved, never sent to the visitor.
    await ana.keyboard.press('Alt+KeyN');
    await ana.locator('.composer.composer-note').waitFor();
    await composer.fill('Card declined twice — likely a duplicate authorisation');
    await composer.press('Enter');
    const note = thread.locator('[data-internal=true]', { hasText: 'duplicate authorisation' });
    await note.locator('[data-delivery=sent]').waitFor();
    expect(await note.getAttribute('class')).toContain('msg-note');

    // Transfer to Ben (back online) with a note.
    await setConsoleStatus(ben, 'online');
    await ana.keyboard.press('Alt+KeyT');
    const dialog = ana.locator('[role=dialog]');
    await dialog.waitFor();
    const benOption = dialog.locator('label.pick', { hasText: people.ben.name });
    await expect.poll(() => benOption.locator('input').isDisabled(), { timeout: 10_000 }).toBe(false);
    await benOption.click();
    await dialog.locator('textarea[name=note]').fill('VIP customer, please refund the duplicate');
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });
    await thread
      .locator('[data-internal=true]', { hasText: `Transferred by ${people.ana.name} to ${people.ben.name}` })
      .waitFor();

    // Ben gets it live, with the whole history, the notes and the transfer note.
    const benRow = row(ben, veraConversation);
    await benRow.waitFor({ timeout: 10_000 });
    await benRow.locator('.conv-main').click();
    const benThread = ben.locator('.thread');
    await benThread.locator('[data-author=visitor]', { hasText: 'charged twice' }).waitFor();
    const history = (await benThread.textContent()) ?? '';
    for (const expected of [
      `${people.ana.name} joined the conversation`,
      'Let me check that for you.',
      'Refunds reach your card',
      'duplicate authorisation',
      `Transferred by ${people.ana.name} to ${people.ben.name}: VIP customer, please refund the duplicate`,
      `${people.ben.name} joined the conversation`,
    ])
      expect(history).toContain(expected);
    expect(await benThread.locator('[data-internal=true]').count()).toBeGreaterThanOrEqual(2);
    // Ana no longer has it.
    await expect.poll(() => row(ana, veraConversation).count()).toBe(0);

    // Live typing preview from the visitor.
    vera.socket.emit('typing', { typing: true, preview: 'Thanks! Will it show on my stat' }, () => {});
    await expect
      .poll(() => ben.locator('[data-testid=typing-preview]').textContent())
      .toContain('Will it show on my stat');
    await ben.locator('#composer-input').fill('Hi Vera, Ben here — the refund for the duplicate is on its way.');
    await shot(ben, 'conversation');
    await ben.locator('#composer-input').press('Enter');
    await until(() => vera.messages.find((m) => m.text.startsWith('Hi Vera, Ben here')), 10_000, "Ben's reply");

    // The visitor saw every reply and system message meant for them, and no internal note.
    const seen = vera.messages.map((m) => m.text).join('\n');
    expect(seen).toContain('Let me check that for you.');
    expect(seen).toContain('Refunds reach your card');
    expect(seen).not.toContain('duplicate authorisation');
    expect(seen).not.toContain('VIP customer');
    expect(seen).not.toContain('Transferred by');
    expect(vera.messages.every((m) => !m.internal)).toBe(true);
  }, 120_000);

  it('queues when everyone is away; an agent accepts from the Queue tab', async () => {
    await setConsoleStatus(ana, 'away');
    await setConsoleStatus(ben, 'away');
    walt = await connectVisitor(server, siteKey, { name: 'Walt Waiting' });
    const first = await walt.send('Is anybody there?');
    const waltConversation = first.conversationId;
    await ana.locator('#tab-queue').click();
    const queued = row(ana, waltConversation);
    await queued.waitFor({ timeout: 10_000 });
    await ana.waitForTimeout(1000);
    // Nobody got it: it is still queued, in nobody's "Mine".
    expect(await queued.locator('.pill-queued').count()).toBe(1);
    await ben.locator('#tab-mine').click();
    expect(await row(ben, waltConversation).count()).toBe(0);
    await queued.locator('button.accept').click();
    await ana.locator('#tab-mine[aria-selected=true]').waitFor();
    await row(ana, waltConversation).waitFor();
    await until(
      () => walt.messages.find((m) => m.text === `${people.ana.name} joined the conversation`),
      10_000,
      'join',
    );
    await ana.locator('.thread [data-author=visitor]', { hasText: 'Is anybody there?' }).waitFor();
  }, 60_000);

  it('updates the supervisor dashboard after a rated, closed conversation', async () => {
    await sue.getByRole('link', { name: 'Dashboard', exact: true }).click();
    const csat = sue.locator('[data-testid=stat-csat]');
    await expect.poll(() => sue.locator('[data-testid=stat-conversations] .card-value').textContent()).toBe('2');
    expect(await csat.locator('.card-value').textContent()).toBe('—');
    await expect.poll(() => sue.locator('[data-testid=live-assigned] .card-value').textContent()).toBe('2');

    // Ben closes Vera's conversation with Alt+C; Vera rates it 5.
    await ben.locator('#tab-mine').click();
    await row(ben, veraConversation).locator('.conv-main').click();
    await ben.locator('.conv-header', { hasText: 'Vera Visitor' }).waitFor();
    await ben.keyboard.press('Alt+KeyC');
    await until(() => vera.updates.find((c) => c.id === veraConversation && c.status === 'closed'), 10_000, 'closed');
    await vera.emit('conversation:rate', { conversationId: veraConversation, score: 5, comment: 'Quick and kind' });

    await expect.poll(() => csat.locator('.card-value').textContent(), { timeout: 15_000 }).toBe('5.0');
    expect(await csat.textContent()).toContain('1 rating');
    await expect.poll(() => sue.locator('[data-testid=live-assigned] .card-value').textContent()).toBe('1');
    expect(await sue.locator('[data-testid=stat-conversations]').textContent()).toContain('1 closed');
    const table = (await sue.locator('table[aria-label="Per-agent numbers"]').textContent()) ?? '';
    expect(table).toContain(people.ben.name);
    expect(table).toContain('5.0 (1)');
    await sue.setViewportSize({ width: 1440, height: 1400 });
    await shot(sue, 'dashboard');
    await sue.setViewportSize({ width: 1440, height: 900 });
  }, 60_000);

  it('lets an admin create a site and an agent in the UI, and both work', async () => {
    const admin = await newPage();
    await consoleLogin(admin, server.origin, server.adminEmail, server.adminPassword);
    await setConsoleStatus(admin, 'away');
    await admin.getByRole('link', { name: 'Settings', exact: true }).click();
    await admin.locator('button', { hasText: 'New site' }).click();
    await admin.fill('input[name=site-name]', 'Acme Docs');
    await admin.fill('textarea[name=site-origins]', 'https://docs.acme.test');
    await admin.locator('button[type=submit]', { hasText: 'Create site' }).click();
    await admin.locator('.form-card h2', { hasText: 'Acme Docs' }).waitFor();
    const key = ((await admin.locator('[data-testid=site-key]').textContent()) ?? '').trim();
    expect(key).toMatch(/^[\w-]{8,}$/);
    expect(await admin.locator('[data-testid=snippet]').textContent()).toContain(`data-site="${key}"`);

    // Widget settings save.
    await admin.fill('input[name=greeting]', 'Questions about the docs? Ask away.');
    await admin.locator('label', { hasText: 'Bottom left' }).click();
    await admin.locator('button[type=submit]', { hasText: 'Save changes' }).click();
    await admin.locator('.toast', { hasText: 'Site saved' }).waitFor();
    const config = await server.api('GET /api/widget/config', { query: { siteKey: key } });
    expect(config).toMatchObject({ greeting: 'Questions about the docs? Ask away.', position: 'left' });
    await admin.locator('.toast').first().waitFor({ state: 'detached', timeout: 8000 });
    await admin.setViewportSize({ width: 1440, height: 1100 });
    await shot(admin, 'settings');
    await admin.setViewportSize({ width: 1440, height: 900 });

    // The new site accepts its origin and refuses others.
    const docsVisitor = await connectVisitor(server, key, { origin: 'https://docs.acme.test' });
    expect(docsVisitor.session.visitorId).toBeTruthy();
    docsVisitor.socket.close();
    await expect(connectVisitor(server, key, { origin: 'https://evil.test' })).rejects.toThrow(/origin_not_allowed/);

    // A new supervisor, created in the UI, can log in and sees the dashboard.
    await admin.locator('.subnav a', { hasText: 'Agents' }).click();
    await admin.fill('input[name=agent-name]', 'Carol Chen');
    await admin.fill('input[name=agent-email]', 'carol@example.com');
    await admin.fill('input[name=agent-password]', 'carol-password-1');
    await admin.selectOption('select[name=agent-role]', 'supervisor');
    await admin.fill('input[name=agent-max]', '4');
    await admin.locator('button[type=submit]', { hasText: 'Add agent' }).click();
    await admin.locator('tr[data-agent="carol@example.com"]').waitFor();
    await admin.locator('.toast').first().waitFor({ state: 'detached', timeout: 8000 });
    await shot(admin, 'settings-agents');
    const carol = await newPage();
    await consoleLogin(carol, server.origin, 'carol@example.com', 'carol-password-1');
    expect(await carol.locator('.me').textContent()).toContain('Carol Chen');
    await expect.poll(() => carol.locator('[data-testid=load]').textContent()).toContain('/ 4');
    await carol.getByRole('link', { name: 'Dashboard', exact: true }).waitFor();

    // Help overlay lists the shortcuts.
    await carol.keyboard.press('?');
    await carol.locator('[role=dialog]', { hasText: 'Keyboard shortcuts' }).waitFor();
    expect(await carol.locator('.shortcuts').textContent()).toContain('Close the conversation');
  }, 90_000);

  it('runs under the strict CSP without violations or page errors', () => {
    expect(csp.flat()).toEqual([]);
  });
});
