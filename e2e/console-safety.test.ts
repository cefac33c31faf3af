import type { BrowserContext } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, collectCspViolations, launchBrowser, type Page } from './helpers/browser.js';
import { connectVisitor, PLAIN_CONTEXT, type TestVisitor } from './helpers/console-people.js';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server.js';
import { type ParleyServer, startServer } from './helpers/server.js';

/**
 * The agent console's safety and attention features in Chromium against the real server process:
 * hostile visitor input renders as inert text, desktop notifications and the tab title announce new work
 * while the console is in the background (and stay quiet while the agent is looking at it), and the
 * keyboard shortcuts move through the inbox.
 */

/** What the init script exposes to the test (never to the payloads: they only ever set `__pwned`). */
type Probe = {
  __csp: string[];
  __notifications: { title: string; body: string; tag: string }[];
  __notificationObjects: Notification[];
  __setHidden(hidden: boolean): void;
  __pwned?: unknown;
};

/**
 * Runs before any console script, in every page of an agent's context:
 * - records `securitypolicyviolation` events;
 * - observes `window.Notification`: a subclass that calls the real constructor and then logs the
 *   notification, so the console's own permission checks and feature detection stay in force;
 * - lets the test put the tab "in the background": headless Chromium reports every page as visible and
 *   focused, so `visibilityState`, `hidden` and `hasFocus()` are overridden and a `visibilitychange`
 *   event is dispatched, as a real browser does when the agent switches tabs.
 */
function instrument() {
  const w = window as unknown as Window & Probe;
  const csp: string[] = [];
  Object.defineProperty(w, '__csp', { value: csp });
  document.addEventListener('securitypolicyviolation', (e) =>
    csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}: ${e.sample}`),
  );

  const notifications: Probe['__notifications'] = [];
  const objects: Notification[] = [];
  Object.defineProperty(w, '__notifications', { value: notifications });
  Object.defineProperty(w, '__notificationObjects', { value: objects });
  const Real = typeof Notification === 'undefined' ? undefined : Notification;
  if (Real) {
    class ObservedNotification extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        notifications.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
        objects.push(this);
      }
    }
    (w as unknown as { Notification: typeof Notification }).Notification = ObservedNotification;
  }

  let hidden = false;
  const realHasFocus = Document.prototype.hasFocus;
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.hasFocus = () => !hidden && realHasFocus.call(document);
  Object.defineProperty(w, '__setHidden', {
    value: (value: boolean) => {
      if (value === hidden) return;
      hidden = value;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  });
}

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console safety and attention', () => {
  let server: ParleyServer;
  let browser: Browser;
  let adminToken: string;
  let siteKey: string;
  const contexts: BrowserContext[] = [];
  const visitors: TestVisitor[] = [];

  type AgentPage = {
    page: Page;
    /** CSP violations (console and event), page errors and JS dialogs. */
    problems(): Promise<string[]>;
    /** Every URL the page requested. */
    requests: string[];
  };

  async function createAgent(key: string, name: string): Promise<{ email: string; password: string }> {
    const email = `${key}@example.com`;
    const password = `${key}-password-1`;
    await server.api('POST /api/agents', {
      token: adminToken,
      body: { email, name, password, role: 'agent', maxChats: 5 },
    });
    return { email, password };
  }

  async function agentPage(
    key: string,
    name: string,
    opts: { notifications?: boolean } = {},
  ): Promise<AgentPage & { name: string }> {
    const { email, password } = await createAgent(key, name);
    // Only this agent is connected: the previous tests' agents get nothing new routed to them.
    for (const previous of contexts.splice(0)) await previous.close().catch(() => {});
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    contexts.push(context);
    if (opts.notifications) await context.grantPermissions(['notifications'], { origin: server.origin });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    const logged = collectCspViolations(page);
    page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      logged.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await consoleLogin(page, server.origin, email, password);
    return {
      page,
      name,
      requests,
      async problems() {
        const events = await page.evaluate(() => (window as unknown as Probe).__csp.slice());
        return [...logged, ...events.map((e) => `securitypolicyviolation: ${e}`)];
      },
    };
  }

  /** Puts the agent's tab in the background (or back in front). */
  const setHidden = (page: Page, hidden: boolean) =>
    page.evaluate((h) => (window as unknown as Probe).__setHidden(h), hidden);
  const notificationsOf = (page: Page) => page.evaluate(() => (window as unknown as Probe).__notifications.slice());
  const row = (page: Page, conversationId: string) =>
    page.locator(`#conversation-list li[data-conversation="${conversationId}"]`);
  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 100 });

  async function visitor(opts: { name?: string; context?: Record<string, string> } = {}) {
    const v = await connectVisitor(server, siteKey, opts);
    visitors.push(v);
    return v;
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startServer();
    adminToken = await server.login();
    siteKey = (await server.api('GET /api/sites', { token: adminToken })).sites[0]!.key;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.socket.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('renders a hostile visitor name, messages and page context as inert text', async () => {
    const agent = await agentPage('xena', 'Xena Xu');
    const { page } = agent;

    const hostileName = '<img src=x onerror=window.__pwned=1>';
    const hostileContext = {
      title: '<img src=x onerror=window.__pwned=2><b>Checkout</b>',
      url: 'javascript:window.__pwned=3',
      referrer: 'javascript:window.__pwned=4//https://ref.example/',
      locale: 'en-GB',
    };
    const messages = [
      'Safe link control: https://example.com/help',
      'javascript:window.__pwned=5',
      '<a href="javascript:window.__pwned=6">click me</a> and [this](javascript:window.__pwned=7)',
      'https://example.com/"onmouseover="window.__pwned=8',
      '<svg onload=window.__pwned=9><circle r=40 /></svg>',
      '<iframe src="javascript:window.parent.__pwned=10"></iframe><img src=x onerror=window.__pwned=11>',
      '<script>window.__pwned=12</script>',
    ];
    const hostile = await visitor({ name: hostileName, context: hostileContext });
    let conversationId = '';
    for (const text of messages) conversationId = (await hostile.send(text)).conversationId;

    // Inbox: the name and the last message (a <script> block) show up verbatim, as text.
    const inboxRow = row(page, conversationId);
    await inboxRow.waitFor({ timeout: 10_000 });
    await poll(() => inboxRow.locator('.conv-preview').textContent()).toBe('<script>window.__pwned=12</script>');
    expect(await inboxRow.locator('.conv-name').textContent()).toBe(hostileName);

    // Conversation: every message is a bubble with exactly the text the visitor typed.
    await inboxRow.locator('.conv-main').click();
    const thread = page.locator('.thread');
    await thread.locator('[data-author=visitor]', { hasText: '<script>window.__pwned=12</script>' }).waitFor();
    expect(await page.locator('.conv-header h2').textContent()).toBe(hostileName);
    const bubbles = await thread.locator('[data-author=visitor] .bubble').allTextContents();
    expect(bubbles).toEqual(messages);
    // Only the real http(s) URL became a link; javascript: text did not.
    expect(await thread.locator('a[href="https://example.com/help"]').count()).toBe(1);

    // Visitor sidebar: name, page title and URL as text; the javascript: URL is not a link.
    const sidebar = page.locator('aside.visitor');
    await poll(() => sidebar.locator('.url').first().textContent()).toBe(hostileContext.url);
    expect(await sidebar.locator('h3').textContent()).toBe(hostileName);
    expect(await sidebar.locator('.strong').textContent()).toBe(hostileContext.title);
    expect(await sidebar.locator('a.url').getAttribute('href')).toBeNull();
    expect(await sidebar.locator('a[href]').count()).toBe(0);
    // Clicking it goes nowhere: no new tab, no navigation.
    await sidebar.locator('a.url').click();
    expect(page.context().pages()).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe(`/console/inbox/${conversationId}`);

    // A hostile live typing preview is text too.
    hostile.socket.emit('typing', { typing: true, preview: '<img src=x onerror=window.__pwned=13>' }, () => {});
    await poll(() => page.locator('[data-testid=typing-preview] q').textContent()).toBe(
      '<img src=x onerror=window.__pwned=13>',
    );

    // Nothing from the payloads became markup, ran, or was fetched.
    const dom = await page.evaluate(() => {
      const handlers: string[] = [];
      for (const el of Array.from(document.querySelectorAll('*')))
        for (const attr of Array.from(el.attributes))
          if (/^on/i.test(attr.name)) handlers.push(`<${el.tagName.toLowerCase()} ${attr.name}>`);
      return {
        handlers,
        imgs: document.querySelectorAll('img').length,
        inlineScripts: document.querySelectorAll('script:not([src])').length,
        iframes: document.querySelectorAll('iframe, object, embed').length,
        payloadSvgs: document.querySelectorAll('svg circle[r="40"]').length,
        bold: document.querySelectorAll('.visitor b, .thread b').length,
        badLinks: Array.from(document.querySelectorAll('a[href]'))
          .map((a) => (a as HTMLAnchorElement).href)
          .filter((href) => !/^(https?|mailto):/i.test(href)),
        pwned: (window as unknown as Probe).__pwned,
      };
    });
    expect(dom).toEqual({
      handlers: [],
      imgs: 0,
      inlineScripts: 0,
      iframes: 0,
      payloadSvgs: 0,
      bold: 0,
      badLinks: [],
      pwned: undefined,
    });
    expect(agent.requests.filter((u) => /\/x$/.test(new URL(u).pathname))).toEqual([]);
    expect(await agent.problems()).toEqual([]);

    // Control: a visitor on a normal https page gets a real, clickable page link in the sidebar.
    const plain = await visitor({ name: 'Paula Plain' });
    const plainConversation = (await plain.send('Hello there')).conversationId;
    await row(page, plainConversation).locator('.conv-main').click();
    await page.locator('.conv-header h2', { hasText: 'Paula Plain' }).waitFor();
    await poll(() => sidebar.locator('a.url').getAttribute('href')).toBe(PLAIN_CONTEXT.url);
    expect(await sidebar.locator('.strong').textContent()).toBe(PLAIN_CONTEXT.title);
  }, 60_000);

  it('notifies on the desktop and counts unread in the tab title while in the background, not while looking', async () => {
    const agent = await agentPage('nora', 'Nora Night', { notifications: true });
    const { page } = agent;
    // Permission is granted: the console does not offer to enable notifications again.
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    expect(await page.locator('button', { hasText: 'Enable notifications' }).count()).toBe(0);
    await poll(() => page.title()).toBe('Parley console');

    // The agent switches to another tab; a visitor starts a conversation.
    await setHidden(page, true);
    const hana = await visitor({ name: 'Hana Hidden' });
    const first = await hana.send('Is the blue jacket back in stock?');
    const conversationId = first.conversationId;
    await row(page, conversationId).waitFor({ timeout: 10_000 });
    // One notification for the new assignment (the first message arrives while it is still queued).
    await poll(async () => (await notificationsOf(page)).map((n) => [n.title, n.body])).toEqual([
      ['New conversation', 'Hana Hidden is waiting for you'],
    ]);
    await poll(() => page.title()).toBe('(1) Parley console');

    // A further message: its own notification, with the visitor's name and words; the count goes up.
    await hana.send('Size M, if that matters');
    await poll(() => page.title()).toBe('(2) Parley console');
    await poll(async () => (await notificationsOf(page)).map((n) => [n.title, n.body])).toEqual([
      ['New conversation', 'Hana Hidden is waiting for you'],
      ['Hana Hidden', 'Size M, if that matters'],
    ]);
    // Tagged with the conversation, so the system replaces rather than stacks them.
    expect((await notificationsOf(page)).map((n) => n.tag)).toEqual([conversationId, conversationId]);

    // The agent clicks the last notification: the console comes back with that conversation open.
    await setHidden(page, false);
    await page.evaluate(() => {
      const objects = (window as unknown as Probe).__notificationObjects;
      const last = objects[objects.length - 1]!;
      last.onclick?.(new Event('click'));
    });
    await page.locator('.conv-header h2', { hasText: 'Hana Hidden' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/inbox/${conversationId}`);
    await page.locator('.thread [data-author=visitor]', { hasText: 'Size M' }).waitFor();
    await poll(() => page.title()).toBe('Parley console');

    // Looking at the conversation: a new message shows up in the thread, with no notification and no count.
    await hana.send('Also, do you ship to Norway?');
    await page.locator('.thread [data-author=visitor]', { hasText: 'ship to Norway' }).waitFor();
    expect((await notificationsOf(page)).length).toBe(2);
    expect(await page.title()).toBe('Parley console');
    expect(await row(page, conversationId).locator('.unread-badge').count()).toBe(0);

    // The same conversation, with the tab in the background again: notified and counted.
    await setHidden(page, true);
    await hana.send('Hello? Still there?');
    await poll(async () => (await notificationsOf(page)).length).toBe(3);
    expect((await notificationsOf(page))[2]).toMatchObject({ title: 'Hana Hidden', body: 'Hello? Still there?' });
    await poll(() => page.title()).toBe('(1) Parley console');
    // Back to the tab, where that conversation is open: read, the count goes away.
    await setHidden(page, false);
    await poll(() => page.title()).toBe('Parley console');

    expect(await agent.problems()).toEqual([]);
  }, 60_000);

  it('moves through the inbox with Alt+↓ / Alt+↑ and lists the shortcuts in the help overlay', async () => {
    const agent = await agentPage('kim', 'Kim Keys');
    const { page } = agent;
    const names = ['Kai First', 'Lea Second', 'Max Third'];
    const ids: string[] = [];
    for (const name of names) {
      const v = await visitor({ name });
      const { conversationId } = await v.send(`Hi, ${name} here`);
      // One at a time, so the longest-waiting order (oldest first) is the order of arrival.
      await row(page, conversationId).waitFor({ timeout: 10_000 });
      ids.push(conversationId);
    }
    await poll(() => page.locator('#conversation-list li[data-conversation]').count()).toBe(3);
    expect(
      await page
        .locator('#conversation-list li[data-conversation]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-conversation'))),
    ).toEqual(ids);

    const expectOpen = async (index: number) => {
      await page.locator('.conv-header h2', { hasText: names[index]! }).waitFor();
      await page.locator('.thread [data-author=visitor]', { hasText: `${names[index]} here` }).waitFor();
      await poll(() => row(page, ids[index]!).locator('.conv-main').getAttribute('aria-pressed')).toBe('true');
      expect(new URL(page.url()).pathname).toBe(`/console/inbox/${ids[index]}`);
      expect(await page.locator('#conversation-list .conv-main[aria-pressed=true]').count()).toBe(1);
    };

    // Nothing open: Alt+↓ opens the chat waiting longest, then the next waiting ones; it stops at the last.
    expect(await page.locator('.conv-header').count()).toBe(0);
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(0);
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(1);
    // Works while typing in the composer too.
    await page.locator('#composer-input').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(2);
    await page.keyboard.press('Alt+ArrowDown');
    await expectOpen(2);
    await page.locator('.toast', { hasText: 'This is the last chat waiting for you' }).waitFor();
    await page.keyboard.press('Alt+ArrowUp');
    await expectOpen(1);

    // "?" (outside a text field) opens the help overlay, which lists the navigation shortcuts.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    const help = page.locator('[role=dialog]', { hasText: 'Keyboard shortcuts' });
    await help.waitFor();
    const shortcuts = await help
      .locator('.shortcut')
      .evaluateAll((els) =>
        els.map(
          (el) =>
            `${Array.from(el.querySelectorAll('kbd'), (k) => k.textContent).join('+')} ${el.querySelector('dd')?.textContent}`,
        ),
      );
    expect(shortcuts).toEqual(
      expect.arrayContaining([
        'Alt+↓ Next chat waiting for you',
        'Alt+↑ Previous chat waiting for you',
        'Alt+C Close the conversation',
        'Alt+T Transfer the conversation',
        'Alt+N Switch between reply and internal note',
        '? This help',
        'Esc Close dialogs',
      ]),
    );
    // Escape closes it.
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    expect(await agent.problems()).toEqual([]);
  }, 60_000);
  // Last on purpose: the block covers the visitor's address, and every test visitor comes from 127.0.0.1.
  it('pages through older closed conversations in the Closed tab', async () => {
    // More closed conversations than the first page of 50 holds.
    const oldest: string[] = [];
    for (let i = 0; i < 55; i++) {
      const v = await connectVisitor(server, siteKey, { name: `Earlier visitor ${i}` });
      const { conversationId } = await v.send(`an earlier question ${i}`);
      await v.emit('conversation:close', { conversationId });
      if (i < 3) oldest.push(conversationId);
      v.socket.close();
    }
    for (const previous of contexts.splice(0)) await previous.close().catch(() => {});
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    contexts.push(context);
    const page = await context.newPage();
    await consoleLogin(page, server.origin, server.adminEmail, server.adminPassword);
    await page.locator('#tab-closed').click();
    const rows = page.locator('#conversation-list li[data-conversation]');
    const more = page.locator('#conversation-list .list-more button', { hasText: 'Show older conversations' });
    await more.waitFor();
    expect(await rows.count()).toBe(50);
    for (const id of oldest) expect(await row(page, id).count()).toBe(0);
    // Before, the tab stopped at the 50 most recent: older ones could not be reached from the console.
    await more.click();
    await poll(() => row(page, oldest[0]!).count()).toBe(1);
    for (const id of oldest) expect(await row(page, id).count()).toBe(1);
    expect(await rows.count()).toBeGreaterThanOrEqual(55);
    // A closed row says how long its transcript is rather than "No messages yet" (no preview is loaded).
    expect(await row(page, oldest[0]!).locator('.conv-preview').textContent()).toMatch(/^\d+ messages$/);
    await poll(() => more.count()).toBe(0);
  }, 90_000);

  it('signs the agent out when the login expires, and says why on the login form', async () => {
    // A login of ~11 s (PARLEY_TOKEN_TTL_HOURS): long enough to sign in, short enough to wait for.
    const short = await startServer({ env: { PARLEY_TOKEN_TTL_HOURS: '0.003' } });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    try {
      const page = await context.newPage();
      const problems = collectCspViolations(page);
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      await consoleLogin(page, short.origin, short.adminEmail, short.adminPassword);
      // At expiry the server ends the connection; the console asks again, is refused, and signs out.
      const notice = page.locator('.login .form-notice');
      await notice.waitFor({ timeout: 30_000 });
      expect(await notice.textContent()).toMatch(/session has ended/i);
      expect(await page.locator('.login input[name=email]').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await short.stop();
    }
  }, 60_000);

  it('blocks an abusive visitor from the conversation: closed, disconnected, refused again until lifted', async () => {
    const agent = await agentPage('bo', 'Bo Block');
    const { page } = agent;
    const abusive = await visitor({ name: 'Troll Visitor' });
    const { conversationId } = await abusive.send('you are all useless, answer NOW');
    await row(page, conversationId).waitFor({ timeout: 10_000 });
    await row(page, conversationId).locator('.conv-main').click();
    await page.locator('.conv-header h2', { hasText: 'Troll Visitor' }).waitFor();

    const disconnected = new Promise<void>((resolve) => abusive.socket.once('disconnect', () => resolve()));
    await page.getByTestId('block-visitor').click();
    await page.locator('textarea[name=block-reason]').fill('Insults after two warnings');
    await page.getByRole('button', { name: 'Block visitor' }).click();
    await disconnected;
    await page.locator('.conv-header', { hasText: 'Closed' }).waitFor();
    const stored = await server.api('GET /api/conversations/:id', {
      params: { id: conversationId },
      token: adminToken,
    });
    expect(stored.conversation.status).toBe('closed');

    const reconnect = (visitorToken?: string) =>
      new Promise<string>((resolve) => {
        const s = io(`${server.origin}/visitor`, {
          auth: { siteKey, ...(visitorToken ? { visitorToken } : {}) },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        });
        s.once('connect_error', (err: Error) => resolve(err.message));
        s.once('session', () => resolve('connected'));
        setTimeout(() => resolve('timeout'), 10_000);
      }).finally(() => undefined);
    // Refused with its old identity, and from its address with a fresh one.
    expect(await reconnect(abusive.session.visitorToken)).toBe('blocked');
    expect(await reconnect()).toBe('blocked');

    // A supervisor lifts the block: the visitor may chat again.
    const { blocks } = await server.api('GET /api/blocks', {
      token: adminToken,
    });
    const block = blocks.find((b) => b.conversationId === conversationId);
    expect(block).toBeTruthy();
    await server.api('DELETE /api/blocks/:id', { params: { id: block!.id }, token: adminToken });
    expect(await reconnect(abusive.session.visitorToken)).toBe('connected');
    expect(await agent.problems()).toEqual([]);
  }, 60_000);
});
