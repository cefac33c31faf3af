import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, collectCspViolations, type HostPage, type Page } from './helpers/browser';
import { type AgentClient, connectAgent, type ParleyServer, until } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * The widget in Chromium against the real server, embedded in a third-party page on another origin
 * with hostile global CSS and `Content-Security-Policy: script-src <server>; style-src 'self'`.
 */

const T = 60_000;
const hasChromium = chromiumAvailable();

/** The element focused inside the widget's shadow root, as `data-parley` value or tag name. */
const focusedInWidget = (page: Page) =>
  page.evaluate(() => {
    const active = document.getElementById('parley-root')?.shadowRoot?.activeElement as HTMLElement | null;
    return active ? (active.dataset.parley ?? active.tagName.toLowerCase()) : null;
  });

describe.skipIf(!hasChromium)('widget in Chromium against the real server', () => {
  let server: ParleyServer;
  let host: HostPage;
  let browser: Browser;
  let token: string;
  let siteId: string;
  let agent: AgentClient;

  const stack = useWidgetStack();
  beforeAll(async () => {
    ({ server, host, browser, token } = stack);
    siteId = stack.site.id;
    agent = await connectAgent(server, token);
  });
  afterAll(() => agent?.close());

  async function openPage(options: Parameters<Browser['newContext']>[0] = {}, query?: Record<string, string>) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const csp = collectCspViolations(page);
    await page.goto(host.url(query));
    return { context, page, csp, w: widget(page) };
  }

  /** Sends from the widget and waits until the message is stored; returns the agent's copy. */
  async function visitorSays(page: Page, text: string): Promise<Message> {
    const w = widget(page);
    await w.input.fill(text);
    await w.input.press('Enter');
    await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();
    return until(() => agent.messages.find((m) => m.text === text), 15_000, `agent to receive "${text}"`);
  }

  const storedMessages = async (conversationId: string) =>
    (await server.api('GET /api/conversations/:id/messages', { params: { id: conversationId }, token })).messages;

  it(
    'renders the launcher in a shadow root, untouched by hostile page CSS, under a strict CSP',
    async () => {
      const { context, page, csp, w } = await openPage();
      await w.launcher.waitFor();
      const box = await w.launcher.boundingBox();
      const viewport = page.viewportSize()!;
      expect(box).toMatchObject({ width: 60, height: 60 });
      expect(viewport.width - (box!.x + box!.width)).toBe(20);
      expect(viewport.height - (box!.y + box!.height)).toBe(20);
      const info = await page.evaluate(() => {
        const root = document.getElementById('parley-root')!;
        const launcher = root.shadowRoot!.querySelector<HTMLElement>('[data-parley="launcher"]')!;
        return {
          parentIsBody: root.parentElement === document.body,
          shadowMode: root.shadowRoot?.mode,
          adopted: root.shadowRoot!.adoptedStyleSheets.length,
          inlineStyles: root.shadowRoot!.querySelectorAll('[style], style').length,
          launcherDisplay: getComputedStyle(launcher).display,
          launcherFont: getComputedStyle(launcher.parentElement!).fontSize,
          label: launcher.getAttribute('aria-label'),
        };
      });
      expect(info).toMatchObject({ parentIsBody: true, shadowMode: 'open', inlineStyles: 0, launcherFont: '15px' });
      expect(info.adopted).toBeGreaterThan(0);
      expect(info.launcherDisplay).not.toBe('none');
      expect(info.label).toBe('Open chat');

      await w.launcher.click();
      await w.panel.waitFor();
      const panel = await w.panel.boundingBox();
      expect(panel!.width).toBeGreaterThan(300);
      expect(await w.input.isVisible()).toBe(true);
      expect(await w.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
      expect(csp).toEqual([]);

      // nothing global besides window.Parley
      const withWidget = await page.evaluate(() => Object.keys(window));
      const bare = await context.newPage();
      await bare.goto(host.url({ widget: '0' }));
      const without = new Set(await bare.evaluate(() => Object.keys(window)));
      expect(withWidget.filter((k) => !without.has(k))).toEqual(['Parley']);
      await context.close();
    },
    T,
  );

  it(
    "works on the server's own demo page (GET /) under the server's CSP",
    async () => {
      // the server's own origin is not among PARLEY_SITE_ORIGINS here (the port was unknown): allow it now
      const { site } = await server.api('GET /api/sites/:id', { params: { id: siteId }, token });
      await server.api('PATCH /api/sites/:id', {
        params: { id: siteId },
        token,
        body: { allowedOrigins: [...site.allowedOrigins, server.origin] },
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      const csp = collectCspViolations(page);
      await page.goto(`${server.origin}/`);
      const w = widget(page);
      await w.launcher.click();
      await w.panel.waitFor();
      await visitorSays(page, 'Hello from the demo page');
      expect(csp).toEqual([]);
      await context.close();
    },
    T,
  );

  it(
    'chats both ways with an agent, with typing indicator, unread badge and Parley("on") callbacks',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.waitFor();
      await page.evaluate(() => {
        const parley = (window as unknown as { Parley: (...args: unknown[]) => void }).Parley;
        const seen: unknown[] = [];
        (window as unknown as { __seen: unknown[] }).__seen = seen;
        parley('on', 'message', (m: { text: string }) => seen.push(`message:${m.text}`));
        parley('on', 'open', () => seen.push('open'));
        parley('on', 'close', () => seen.push('close'));
      });
      await w.launcher.click();
      await w.panel.waitFor();
      expect(await focusedInWidget(page)).toBe('input');

      const first = await visitorSays(page, 'Hello from the visitor');
      const conversation = await until(
        () => agent.assigned.find((c) => c.id === first.conversationId),
        15_000,
        'assignment',
      );
      expect(conversation.visitorId).toBeTruthy();

      agent.typing(first.conversationId, true);
      await page.locator('[data-parley="typing"]').waitFor();
      await agent.send(first.conversationId, 'Hi! How can I help?');
      await w.byAuthor('agent').filter({ hasText: 'Hi! How can I help?' }).waitFor();
      await expect.poll(() => page.locator('[data-parley="typing"]').count()).toBe(0);
      await expect.poll(() => page.locator('[data-parley="panel"] .name').textContent()).toBe(conversation.agentName);

      // while closed: unread badge on the launcher and a title notice
      await page.keyboard.press('Escape');
      await w.panel.waitFor({ state: 'detached' });
      await agent.send(first.conversationId, 'Are you still there?');
      await page.locator('[data-parley="unread"]').filter({ hasText: '1' }).waitFor();
      expect(await w.launcher.getAttribute('aria-label')).toContain('1');
      await expect.poll(() => page.title()).toContain('Acme Store');
      expect(await page.title()).toMatch(/^\(1\)/);
      await w.launcher.click();
      await w.byAuthor('agent').filter({ hasText: 'Are you still there?' }).waitFor();
      expect(await page.locator('[data-parley="unread"]').isHidden()).toBe(true);
      expect(await page.title()).toBe('Acme Store');

      const seen = await page.evaluate(() => (window as unknown as { __seen: unknown[] }).__seen);
      expect(seen).toEqual(
        expect.arrayContaining([
          'open',
          'close',
          'message:Hello from the visitor',
          'message:Hi! How can I help?',
          'message:Are you still there?',
        ]),
      );
      const stored = await storedMessages(first.conversationId);
      expect(stored.map((m) => [m.author, m.text])).toEqual(
        expect.arrayContaining([
          ['visitor', 'Hello from the visitor'],
          ['agent', 'Hi! How can I help?'],
        ]),
      );
      await context.close();
    },
    T,
  );

  it(
    'renders message text as text: XSS payloads run nothing, only http(s) links become links',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const payload = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
      const sent = await visitorSays(page, payload);
      await agent.send(
        sent.conversationId,
        '<b onmouseover="window.__xss=3">bold</b> see https://example.com/docs?a=1&b=2. and javascript:window.__xss=4',
      );
      const agentBubble = w.byAuthor('agent').last();
      await agentBubble.filter({ hasText: 'bold' }).waitFor();
      const result = await page.evaluate(() => {
        const root = document.getElementById('parley-root')!.shadowRoot!;
        const bubbles = [...root.querySelectorAll('[data-parley="message"] .bubble')];
        return {
          xss: (window as unknown as { __xss?: number }).__xss ?? null,
          injected: bubbles.flatMap((b) => [...b.querySelectorAll('img,script,b,iframe')]).length,
          texts: bubbles.map((b) => b.textContent),
          links: bubbles.flatMap((b) =>
            [...b.querySelectorAll('a')].map((a) => ({
              href: a.getAttribute('href'),
              target: a.target,
              rel: a.rel,
              text: a.textContent,
            })),
          ),
        };
      });
      expect(result.xss).toBeNull();
      expect(result.injected).toBe(0);
      expect(result.texts.some((t) => t?.includes(payload))).toBe(true);
      expect(result.links).toEqual([
        {
          href: 'https://example.com/docs?a=1&b=2',
          target: '_blank',
          rel: 'noopener noreferrer',
          text: 'https://example.com/docs?a=1&b=2',
        },
      ]);
      await agentBubble.hover();
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBeNull();
      await context.close();
    },
    T,
  );

  it(
    'keeps identity and history across reloads and tabs',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const first = await visitorSays(page, 'Message before reload');
      await agent.send(first.conversationId, 'Reply before reload');
      await w.byAuthor('agent').filter({ hasText: 'Reply before reload' }).waitFor();

      await page.reload();
      await w.launcher.click();
      await w.byAuthor('visitor').filter({ hasText: 'Message before reload' }).waitFor();
      await w.byAuthor('agent').filter({ hasText: 'Reply before reload' }).waitFor();
      expect(await w.messages.filter({ hasText: 'Message before reload' }).count()).toBe(1);

      // a second tab of the same visitor shows the same conversation and gets new messages live
      const tab2 = await context.newPage();
      await tab2.goto(host.url());
      const w2 = widget(tab2);
      await w2.launcher.click();
      await w2.byAuthor('visitor').filter({ hasText: 'Message before reload' }).waitFor();
      await agent.send(first.conversationId, 'Seen in both tabs');
      await w.byAuthor('agent').filter({ hasText: 'Seen in both tabs' }).waitFor();
      await w2.byAuthor('agent').filter({ hasText: 'Seen in both tabs' }).waitFor();
      await w2.input.fill('Sent from tab two');
      await w2.input.press('Enter');
      await w.byAuthor('visitor').filter({ hasText: 'Sent from tab two' }).waitFor();
      const stored = await storedMessages(first.conversationId);
      expect(stored.filter((m) => m.text === 'Sent from tab two')).toHaveLength(1);
      await context.close();
    },
    T,
  );

  it(
    'delivers every message exactly once across going offline and back online',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.click();
      const first = await visitorSays(page, 'Online before the tunnel');

      await context.setOffline(true);
      const texts = ['Typed in the tunnel 1', 'Typed in the tunnel 2', 'Typed in the tunnel 3'];
      for (const text of texts) {
        await w.input.fill(text);
        await w.input.press('Enter');
      }
      for (const text of texts) {
        const item = w.byAuthor('visitor').filter({ hasText: text });
        await item.waitFor();
        expect(await item.getAttribute('data-state')).not.toBe('sent');
      }
      await page.waitForTimeout(1500);
      await context.setOffline(false);

      for (const text of texts) {
        await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor({
          timeout: 30_000,
        });
      }
      const stored = await storedMessages(first.conversationId);
      for (const text of texts) {
        expect(stored.filter((m) => m.text === text)).toHaveLength(1);
        await until(() => agent.messages.some((m) => m.text === text), 10_000, `agent to see "${text}"`);
        expect(new Set(agent.messages.filter((m) => m.text === text).map((m) => m.id)).size).toBe(1);
      }
      const seqs = stored.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      // the order the visitor typed is the order stored
      const order = stored.filter((m) => texts.includes(m.text)).map((m) => m.text);
      expect(order).toEqual(texts);
      expect(await w.byAuthor('visitor').filter({ hasText: 'Typed in the tunnel' }).count()).toBe(3);
      await context.close();
    },
    T,
  );

  it(
    'works with the keyboard only: open, focus into the panel, send, Escape closes back to the launcher',
    async () => {
      const { context, page, w } = await openPage();
      await w.launcher.waitFor();
      let focused: string | null = null;
      for (let i = 0; i < 20 && focused !== 'launcher'; i++) {
        await page.keyboard.press('Tab');
        focused = await focusedInWidget(page);
      }
      expect(focused).toBe('launcher');
      await page.keyboard.press('Enter');
      await w.panel.waitFor();
      await expect.poll(() => focusedInWidget(page)).toBe('input');
      expect(await w.launcher.getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.type('Typed with the keyboard');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('second line');
      await page.keyboard.press('Enter');
      const sent = w.byAuthor('visitor').filter({ hasText: 'Typed with the keyboard' });
      await sent.and(page.locator('[data-state="sent"]')).waitFor();
      expect(await sent.locator('.bubble').evaluate((el) => el.textContent)).toContain(
        'Typed with the keyboard\nsecond line',
      );
      expect(await w.input.inputValue()).toBe('');
      // the live region holds the messages
      expect(await page.locator('[role="log"][aria-live="polite"] [data-parley="message"]').count()).toBeGreaterThan(0);
      await page.keyboard.press('Escape');
      await w.panel.waitFor({ state: 'detached' });
      expect(await focusedInWidget(page)).toBe('launcher');
      expect(await w.launcher.getAttribute('aria-expanded')).toBe('false');
      await context.close();
    },
    T,
  );

  it(
    'has no serious or critical axe-core violations (launcher and open panel)',
    async () => {
      // axe is injected as an inline script: this context alone bypasses the host page's CSP
      const { context, page, w } = await openPage({ bypassCSP: true }, { css: 'plain' });
      await w.launcher.click();
      const sent = await visitorSays(page, 'Checking accessibility, see https://example.com');
      await agent.send(sent.conversationId, 'Sure, here is an answer.');
      await w.byAuthor('agent').filter({ hasText: 'Sure, here is an answer.' }).waitFor();
      const require = createRequire(import.meta.url);
      await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> } }).axe;
        type AxeResults = { violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] };
        const res = await axe.run(
          { include: [['#parley-root']] },
          { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } },
        );
        return res.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target),
        }));
      });
      const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(blocking, JSON.stringify(violations, null, 2)).toEqual([]);
      await context.close();
    },
    T,
  );

  it(
    'identify: a right hash verifies the visitor, a wrong hash leaves it anonymous and working',
    async () => {
      const secret = (await server.api('GET /api/sites/:id', { params: { id: siteId }, token })).site.identitySecret;
      const hash = (userId: string) => createHmac('sha256', secret).update(userId).digest('hex');

      for (const [userId, userHash, expectOk] of [
        ['user-42', hash('user-42'), true],
        ['user-43', 'f'.repeat(64), false],
      ] as const) {
        const { context, page, w } = await openPage();
        const frames: string[] = [];
        const warnings: string[] = [];
        page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        await w.launcher.waitFor();
        await page.evaluate(
          ([id, h]) =>
            (window as unknown as { Parley: (...a: unknown[]) => void }).Parley('identify', {
              userId: id,
              userHash: h,
              name: 'Jane Doe',
              email: 'jane@example.com',
            }),
          [userId, userHash] as const,
        );
        await w.launcher.click();
        // the acknowledgement frame of visitor:identify (Socket.IO packet type 3 = ACK)
        const ack = await until(
          () => frames.find((f) => /^43\/visitor,\d+\[/.test(f) && /"session"|"forbidden"/.test(f)),
          15_000,
          'identify ack',
        );
        if (expectOk) {
          expect(ack).toContain('"ok":true');
          expect(ack).toContain('"verified":true');
          expect(warnings.filter((x) => x.includes('identify'))).toEqual([]);
        } else {
          expect(ack).toContain('forbidden');
          await expect.poll(() => warnings.some((x) => x.includes('identify rejected'))).toBe(true);
        }
        // either way the chat works
        await visitorSays(page, `Hello as ${userId}`);
        await context.close();
      }
    },
    T,
  );

  it(
    'lays out right-to-left in Arabic',
    async () => {
      const { context, page, w } = await openPage({ locale: 'ar' });
      await w.launcher.waitFor();
      expect(await w.launcher.getAttribute('aria-label')).toBe('افتح المحادثة');
      await w.launcher.click();
      await w.panel.waitFor();
      expect(await w.panel.getAttribute('dir')).toBe('rtl');
      expect(await w.panel.getAttribute('lang')).toBe('ar');
      expect(await w.input.getAttribute('placeholder')).toBe('اكتب رسالة…');
      await visitorSays(page, 'مرحبا');
      const panel = (await w.panel.boundingBox())!;
      const bubble = (await w.byAuthor('visitor').last().locator('.bubble').boundingBox())!;
      // the visitor's own messages sit on the inline-end side: the left in RTL
      expect(bubble.x - panel.x).toBeLessThan(panel.x + panel.width - (bubble.x + bubble.width));
      await context.close();
    },
    T,
  );
});
