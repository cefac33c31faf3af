import { randomBytes } from 'node:crypto';
import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, type HostPage, type Page, startHostPage } from './helpers/browser';
import { type AgentClient, connectAgent, type ParleyServer, until } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * The widget's secondary flows in Chromium against the real server: pre-chat form, "nobody online",
 * typing both ways, unread badge and title notice, ending and rating, tap-to-retry, link safety.
 * One agent (not the admin) answers; the admin token is only used for the HTTP API.
 */

const T = 60_000;
const hasChromium = chromiumAvailable();

type TypingEvent = { conversationId: string; typing: boolean; preview?: string };

describe.skipIf(!hasChromium)('widget flows in Chromium against the real server', () => {
  let server: ParleyServer;
  let host: HostPage;
  let browser: Browser;
  let token: string;
  let agent: AgentClient;
  const agentName = 'Ada Lovelace';
  const agentTyping: TypingEvent[] = [];
  const agentUpdates: Conversation[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  const stack = useWidgetStack();
  beforeAll(async () => {
    ({ server, host, browser, token } = stack);
    // a dedicated agent with room for every conversation of this file; the admin stays offline
    const password = `pw-${randomBytes(9).toString('hex')}`;
    await server.api('POST /api/agents', {
      token,
      body: { email: 'ada@example.com', name: agentName, password, role: 'agent', maxChats: 50 },
    });
    const login = await server.api('POST /api/auth/login', {
      body: { email: 'ada@example.com', password },
    });
    agent = await connectAgent(server, login.token);
    agent.socket.on('typing', (e: TypingEvent) => agentTyping.push(e));
    agent.socket.on('conversation:updated', (c: Conversation) => agentUpdates.push(c));
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    agent?.close();
  });

  async function openPage(url = host.url()) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    return { context, page, w: widget(page) };
  }

  /** Sends from the widget and waits until the message is stored and assigned; returns the agent's copy. */
  async function visitorSays(page: Page, text: string): Promise<Message> {
    const w = widget(page);
    await w.input.fill(text);
    await w.input.press('Enter');
    await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();
    return until(() => agent.messages.find((m) => m.text === text), 15_000, `agent to receive "${text}"`);
  }

  const detail = (conversationId: string) =>
    server.api('GET /api/conversations/:id', { params: { id: conversationId }, token });

  const storedMessages = async (conversationId: string) =>
    (await server.api('GET /api/conversations/:id/messages', { params: { id: conversationId }, token })).messages;

  const setAgentStatus = async (status: 'online' | 'away') => {
    const res = (await agent.socket.timeout(10_000).emitWithAck('agent:status', { status })) as { ok: boolean };
    expect(res.ok).toBe(true);
  };

  it(
    'pre-chat form: asks name and email before the composer, and the agent sees them',
    async () => {
      // a second site on its own host page, switched to preChat through the admin API
      const preChatHost = await startHostPage();
      cleanups.push(() => preChatHost.stop());
      const site = await server.api('POST /api/sites', {
        token,
        body: { name: 'Pre-chat Shop', allowedOrigins: [preChatHost.origin] },
      });
      const patched = await server.api('PATCH /api/sites/:id', {
        params: { id: site.id },
        token,
        body: { settings: { preChat: true } },
      });
      expect(patched.site.settings.preChat).toBe(true);
      preChatHost.configure({ siteKey: site.key, serverOrigin: server.origin });

      const { context, page, w } = await openPage(preChatHost.url());
      await w.launcher.click();
      const form = page.locator('[data-parley="prechat"]');
      await form.waitFor();
      expect(await form.textContent()).toContain('Before we start, how can we reach you?');
      // no way to write before the form is done
      expect(await w.input.count()).toBe(0);

      await form.getByLabel('Your name').fill('Grace Hopper');
      await form.getByLabel('Your email').fill('grace@example.com');
      await form.getByRole('button', { name: 'Start chat' }).click();
      await w.input.waitFor();
      expect(await form.count()).toBe(0);
      await expect
        .poll(() => page.evaluate(() => document.getElementById('parley-root')?.shadowRoot?.activeElement?.id))
        .toBe('parley-input');

      const first = await visitorSays(page, 'Hello, I filled in the form');
      const { visitor } = await detail(first.conversationId);
      expect(visitor).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });

      // the form is asked once: after a reload the composer is there at once
      await page.reload();
      await w.launcher.click();
      await w.byAuthor('visitor').filter({ hasText: 'Hello, I filled in the form' }).waitFor();
      expect(await w.input.isVisible()).toBe(true);
      expect(await form.count()).toBe(0);
      await context.close();
    },
    T,
  );

  it(
    'nobody online: shows the notice with an email prompt, the conversation queues, then an agent picks it up',
    async () => {
      await setAgentStatus('away');
      try {
        const { context, page, w } = await openPage();
        await w.launcher.click();
        const notice = page.locator('[data-parley="offline"]');
        await notice.waitFor();
        expect(await notice.textContent()).toContain('Nobody is online right now');
        expect(await w.panel.textContent()).toContain('We’ll reply as soon as we can');

        const email = 'queued.visitor@example.com';
        await notice.getByLabel('Your email').fill(email);
        await notice.getByRole('button', { name: 'Save' }).click();
        await notice.filter({ hasText: `Thanks! We’ll reply to ${email}.` }).waitFor();

        const text = 'Anyone there? Please email me';
        await w.input.fill(text);
        await w.input.press('Enter');
        await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();

        // the conversation waits in the queue, with the visitor's email attached
        const findQueued = async () => {
          const { conversations } = await server.api('GET /api/conversations', { query: { status: 'queued' }, token });
          const details = await Promise.all(conversations.map((c) => detail(c.id)));
          return details.find((d) => d.visitor?.email === email) ?? null;
        };
        await expect.poll(findQueued).not.toBeNull();
        const mine = (await findQueued())!;
        expect(mine.conversation).toMatchObject({ status: 'queued', agentId: null });
        expect((await storedMessages(mine.conversation.id)).map((m) => m.text)).toEqual([text]);

        // an agent comes online: the conversation is assigned and the notice goes away
        await setAgentStatus('online');
        await until(
          () => agent.assigned.find((c) => c.id === mine.conversation.id),
          15_000,
          'assignment of the queued conversation',
        );
        await notice.waitFor({ state: 'detached' });
        await expect.poll(() => page.locator('[data-parley="panel"] .name').textContent()).toBe(agentName);
        await context.close();
      } finally {
        await setAgentStatus('online');
      }
    },
    T,
  );

  it(
    'typing: the agent typing shows in the panel, the visitor typing reaches the agent with a preview',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const first = await visitorSays(page, 'Question about typing');
      const id = first.conversationId;
      await until(() => agent.assigned.find((c) => c.id === id), 15_000, 'assignment');
      expect(await w.typing.count()).toBe(0);

      agent.typing(id, true);
      await w.typing.waitFor();
      expect(await w.typing.textContent()).toContain(`${agentName} is typing…`);
      await expect.poll(() => page.locator('[data-parley="panel"] .sub').textContent()).toContain('is typing');
      agent.typing(id, false);
      await w.typing.waitFor({ state: 'detached' });

      // the visitor types (not sent yet): the agent sees what is being typed
      const since = agentTyping.length;
      await w.input.fill('Where is my order #1234');
      const preview = await until(
        () => agentTyping.slice(since).find((e) => e.conversationId === id && e.typing),
        10_000,
        'visitor typing event',
      );
      expect(preview.preview).toBe('Where is my order #1234');
      // sending stops the typing state
      await w.input.press('Enter');
      await until(
        () => agentTyping.slice(since).find((e) => e.conversationId === id && !e.typing),
        10_000,
        'typing:false after sending',
      );
      await until(() => agent.messages.find((m) => m.text === 'Where is my order #1234'), 10_000, 'message');
      await context.close();
    },
    T,
  );

  it(
    'unread badge and title notice while closed; both clear when opened; none while open',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const first = await visitorSays(page, 'Ping me when you know');
      const id = first.conversationId;
      await until(() => agent.assigned.find((c) => c.id === id), 15_000, 'assignment');
      expect(await page.title()).toBe('Acme Store');

      // while open and visible: no badge, no title change
      await agent.send(id, 'Looking into it now');
      await w.byAuthor('agent').filter({ hasText: 'Looking into it now' }).waitFor();
      expect(await w.unread.isHidden()).toBe(true);
      expect(await page.title()).toBe('Acme Store');

      await page.keyboard.press('Escape');
      await w.panel.waitFor({ state: 'detached' });
      await agent.send(id, 'Found it.');
      await w.unread.filter({ hasText: /^1$/ }).waitFor();
      await expect.poll(() => page.title()).toBe('(1) New message · Acme Store');
      await agent.send(id, 'It ships tomorrow.');
      await w.unread.filter({ hasText: /^2$/ }).waitFor();
      expect(await w.unread.isVisible()).toBe(true);
      await expect.poll(() => page.title()).toBe('(2) New message · Acme Store');
      expect(await w.launcher.getAttribute('aria-label')).toBe('Open chat (2 unread)');

      await w.launcher.click();
      await w.byAuthor('agent').filter({ hasText: 'It ships tomorrow.' }).waitFor();
      await w.byAuthor('agent').filter({ hasText: 'Found it.' }).waitFor();
      expect(await w.unread.isHidden()).toBe(true);
      expect(await page.title()).toBe('Acme Store');
      expect(await w.launcher.getAttribute('aria-label')).toBe('Close chat');
      await context.close();
    },
    T,
  );

  it(
    'the visitor ends the chat, then rates it 1–5 with a comment, and the rating is stored',
    async () => {
      const { context, page, w } = await openPage();
      const sent: string[] = [];
      page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
      await w.launcher.click();
      const first = await visitorSays(page, 'Thanks, that is all');
      const id = first.conversationId;
      await until(() => agent.assigned.find((c) => c.id === id), 15_000, 'assignment');
      await agent.send(id, 'Glad I could help!');
      await w.byAuthor('agent').filter({ hasText: 'Glad I could help!' }).waitFor();
      expect(await page.locator('[data-parley="rating"]').count()).toBe(0);

      await w.panel.getByRole('button', { name: 'End chat' }).click();
      const confirm = page.getByRole('alertdialog', { name: 'End this conversation?' });
      await confirm.waitFor();
      await confirm.getByRole('button', { name: 'End chat' }).click();

      await until(
        () => agentUpdates.find((c) => c.id === id && c.status === 'closed'),
        15_000,
        'conversation:updated closed',
      );
      const rating = page.locator('[data-parley="rating"]');
      await rating.waitFor();
      expect(await rating.textContent()).toContain('This conversation has ended.');
      // the end button is gone with the conversation
      expect(await w.panel.getByRole('button', { name: 'End chat' }).count()).toBe(0);
      expect((await detail(id)).conversation.status).toBe('closed');

      const submit = rating.getByRole('button', { name: 'Send rating' });
      expect(await submit.isDisabled()).toBe(true);
      await rating.getByRole('button', { name: '4 out of 5' }).click();
      expect(await rating.getByRole('button', { name: '4 out of 5' }).getAttribute('aria-pressed')).toBe('true');
      await rating.getByLabel('Anything to add? (optional)').fill('Quick and friendly');
      await submit.click();
      await rating.filter({ hasText: 'Thanks for your feedback!' }).waitFor();

      await expect.poll(async () => (await detail(id)).conversation.rating).toBe(4);
      const rateFrame = sent.find((f) => f.includes('"conversation:rate"'));
      expect(rateFrame).toBeDefined();
      expect(JSON.parse(rateFrame!.replace(/^\d+\/visitor,\d*/, ''))[1]).toEqual({
        conversationId: id,
        score: 4,
        comment: 'Quick and friendly',
      });
      await context.close();
    },
    T,
  );

  it(
    'a message whose answer is lost shows "Not delivered — tap to retry"; tapping delivers it exactly once',
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const w = widget(page);
      // between page and server: answers (ack and echo) mentioning `lost` never reach the page
      let lost: string | null = null;
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((m) => upstream.send(m));
        upstream.onMessage((m) => {
          if (lost && String(m).includes(lost)) return;
          ws.send(m);
        });
      });
      await page.goto(host.url());
      await w.launcher.click();
      const first = await visitorSays(page, 'Before the trouble');
      const id = first.conversationId;

      const text = `Did this arrive ${randomBytes(4).toString('hex')}`;
      lost = text;
      await w.input.fill(text);
      await w.input.press('Enter');
      const item = w.byAuthor('visitor').filter({ hasText: text });
      await item.waitFor();
      expect(await item.getAttribute('data-state')).toBe('sending');
      const retry = item.getByRole('button', { name: 'Not delivered — tap to retry' });
      await retry.waitFor({ timeout: 20_000 });
      expect(await item.getAttribute('data-state')).toBe('failed');
      // the server did store it: a blind resend would duplicate it
      expect((await storedMessages(id)).filter((m) => m.text === text)).toHaveLength(1);

      lost = null;
      await retry.click();
      await item.and(page.locator('[data-state="sent"]')).waitFor();
      expect(await retry.count()).toBe(0);
      const stored = await storedMessages(id);
      expect(stored.filter((m) => m.text === text)).toHaveLength(1);
      expect(await w.byAuthor('visitor').filter({ hasText: text }).count()).toBe(1);
      expect(new Set(agent.messages.filter((m) => m.text === text).map((m) => m.id)).size).toBe(1);
      // still there, once, after a reload (nothing left in the outbox to resend)
      await page.reload();
      await w.launcher.click();
      await w.byAuthor('visitor').filter({ hasText: 'Before the trouble' }).waitFor();
      await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();
      expect(await w.byAuthor('visitor').filter({ hasText: text }).count()).toBe(1);
      expect((await storedMessages(id)).filter((m) => m.text === text)).toHaveLength(1);
      await context.close();
    },
    T,
  );

  it(
    'links in agent messages: http(s) open in a new tab with noopener noreferrer; javascript: stays text',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const first = await visitorSays(page, 'Where are the docs?');
      const id = first.conversationId;
      await until(() => agent.assigned.find((c) => c.id === id), 15_000, 'assignment');
      const target = `${host.origin}/?widget=0`;
      await agent.send(
        id,
        `Docs: ${target} or https://example.com/help. Not these: javascript:window.__pwned=1 JAVASCRIPT:window.__pwned=2 data:text/html,hi`,
      );
      const bubble = w.byAuthor('agent').filter({ hasText: 'Docs:' }).locator('.bubble');
      await bubble.waitFor();
      const links = await bubble.locator('a').evaluateAll((as) =>
        as.map((a) => ({
          href: a.getAttribute('href'),
          text: a.textContent,
          target: a.getAttribute('target'),
          rel: a.getAttribute('rel'),
        })),
      );
      expect(links).toEqual([
        { href: target, text: target, target: '_blank', rel: 'noopener noreferrer' },
        {
          href: 'https://example.com/help',
          text: 'https://example.com/help',
          target: '_blank',
          rel: 'noopener noreferrer',
        },
      ]);
      const text = await bubble.textContent();
      expect(text).toContain('javascript:window.__pwned=1');
      expect(text).toContain('data:text/html,hi');

      // the link really opens, in a new tab that cannot reach back to the page
      const [popup] = await Promise.all([context.waitForEvent('page'), bubble.locator('a').first().click()]);
      await popup.waitForLoadState('domcontentloaded');
      expect(popup.url()).toBe(target);
      expect(await popup.evaluate(() => ({ opener: window.opener, referrer: document.referrer }))).toEqual({
        opener: null,
        referrer: '',
      });
      await popup.close();

      // clicking the javascript: text runs nothing and navigates nowhere
      await bubble
        .getByText(/javascript:window/)
        .first()
        .click();
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
      expect(page.url()).toBe(host.url());
      expect(context.pages()).toHaveLength(1);
      await context.close();
    },
    T,
  );
});
