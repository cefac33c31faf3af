import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BusinessHours } from '@parley/protocol';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from './helpers/axe';
import { chromiumAvailable, type Page } from './helpers/browser';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server';
import { type AgentClient, connectAgent, SCREENSHOT_DIR, until } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * Business hours end to end at a fixed instant: the server's clock starts at PARLEY_NOW and the browsers'
 * clocks at the same instant, each browser in its own timezone and language. Monday 7 December 2026, 14:30
 * UTC is 09:30 in New York, 23:30 in Tokyo, 06:30 in Los Angeles and 15:30 in Berlin.
 */

const NOW = '2026-12-07T14:30:00Z';
const T = 60_000;
const hasChromium = chromiumAvailable();
const nineToFive = [{ start: '09:00', end: '17:00' }];
const hoursIn = (timezone: string, holidays: string[] = []): BusinessHours => ({
  timezone,
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays,
});

describe.skipIf(!hasChromium)('business hours in Chromium at a fixed clock', () => {
  const stack = useWidgetStack({ beforeServer: ensureConsoleBuilt, env: { PARLEY_NOW: NOW } });
  const contexts: BrowserContext[] = [];
  let agent: AgentClient;

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const login = { email: 'sofia@example.com', password: 'sofia-password-1' };
    await stack.server.api('POST /api/agents', {
      token: stack.token,
      body: { ...login, name: 'Sofia Martinez', role: 'agent' },
    });
    const { token } = await stack.server.api('POST /api/auth/login', { body: login });
    agent = await connectAgent(stack.server, token);
    await stack.server.api('PATCH /api/sites/:id', {
      params: { id: stack.site.id },
      token: stack.token,
      body: { name: 'Acme Store' },
    });
  });

  afterAll(async () => {
    agent?.close();
    for (const c of contexts) await c.close().catch(() => {});
  });

  const setHours = (hours: BusinessHours | null) =>
    stack.server.api('PATCH /api/sites/:id', {
      params: { id: stack.site.id },
      token: stack.token,
      body: { settings: { hours } },
    });
  const setAgentStatus = (status: 'online' | 'away') =>
    agent.socket.timeout(10_000).emitWithAck('agent:status', { status });

  /** A fresh visitor (no earlier conversation) in a browser whose clock, zone and language are fixed. */
  async function visitor(locale: string, timezoneId: string, options: { bypassCSP?: boolean } = {}) {
    const context = await stack.browser.newContext({
      locale,
      timezoneId,
      viewport: { width: 1100, height: 760 },
      colorScheme: 'light',
      ...options,
    });
    contexts.push(context);
    await context.clock.install({ time: Date.parse(NOW) });
    const page = await context.newPage();
    await page.goto(stack.host.url({ css: 'plain' }));
    const w = widget(page);
    await w.launcher.click();
    await w.panel.waitFor();
    return { page, w };
  }
  const closedNotice = (page: Page) => page.locator('[data-parley="closed"]');

  it(
    'inside hours: the chat is as usual and an agent answers',
    async () => {
      await setHours(hoursIn('America/New_York'));
      const { page, w } = await visitor('en-US', 'America/Los_Angeles');
      expect(await w.panel.textContent()).toContain('Typically replies in minutes');
      await w.input.fill('Do you ship to Canada?');
      await w.input.press('Enter');
      const mine = await until(
        () => agent.messages.find((m) => m.text === 'Do you ship to Canada?'),
        15_000,
        'message',
      );
      await agent.send(mine.conversationId, 'We do, within 3 days.');
      await w.byAuthor('agent').filter({ hasText: 'We do, within 3 days.' }).waitFor();
      // the notice's chunk is not even fetched when the site is open and someone is online
      expect(await closedNotice(page).count()).toBe(0);
      expect(await page.locator('[data-parley="offline"]').count()).toBe(0);
    },
    T,
  );

  it(
    'outside hours: says when it is back, in the visitor’s time and language, and takes the message and an email',
    async () => {
      await setAgentStatus('away');
      await setHours(hoursIn('Asia/Tokyo')); // 23:30 Monday in Tokyo: back Tuesday 09:00 JST = Monday 16:00 in LA
      const { page, w } = await visitor('en-US', 'America/Los_Angeles');
      const notice = closedNotice(page);
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(
        /We’re closed — back Monday 4:00\sPM\. Leave your message and your email/,
      );

      const text = 'Is the blue model back in stock soon?';
      await w.input.fill(text);
      await w.input.press('Enter');
      await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();
      await notice.getByLabel('Your email').fill('night.visitor@example.com');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'widget-closed.png'), animations: 'disabled' });
      await notice.getByRole('button', { name: 'Save' }).click();
      await notice.filter({ hasText: 'Thanks! We’ll reply to night.visitor@example.com.' }).waitFor();

      // the message waits in the queue with the visitor's email, for nobody is online
      const { conversations } = await stack.server.api('GET /api/conversations', {
        query: { status: 'queued' },
        token: stack.token,
      });
      const queued = await Promise.all(
        conversations.map((c) =>
          stack.server.api('GET /api/conversations/:id', { params: { id: c.id }, token: stack.token }),
        ),
      );
      const mine = queued.find((d) => d.visitor?.email === 'night.visitor@example.com');
      expect(mine?.conversation).toMatchObject({ status: 'queued', agentId: null });

      // a German visitor in Berlin reads the same opening in German, at 01:00 on Tuesday
      const berlin = await visitor('de-DE', 'Europe/Berlin');
      const german = closedNotice(berlin.page);
      await german.waitFor();
      expect(await german.textContent()).toContain('Wir haben geschlossen — zurück am Dienstag, 01:00.');
    },
    T,
  );

  it(
    'on a holiday: closed even with an agent online, back on the date after the holidays',
    async () => {
      await setAgentStatus('online');
      // New York is closed for a week from today: back Tuesday 15 December, 09:00 EST = 06:00 in LA
      const week = ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-14'];
      await setHours(hoursIn('America/New_York', week));
      const { page } = await visitor('en-US', 'America/Los_Angeles');
      const notice = closedNotice(page);
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/We’re closed — back Tuesday, December 15 at 6:00\sAM\./);
      expect(await notice.getByLabel('Your email').isVisible()).toBe(true);
    },
    T,
  );

  it(
    'console: edits hours with a live preview, shows the server’s refusal inline, saves',
    async () => {
      await setHours(hoursIn('Asia/Tokyo'));
      const context = await stack.browser.newContext({
        locale: 'en-GB',
        timezoneId: 'Europe/Berlin',
        viewport: { width: 1440, height: 1500 },
        colorScheme: 'light',
        bypassCSP: true, // axe goes in as an inline script
      });
      contexts.push(context);
      await context.clock.install({ time: Date.parse(NOW) });
      const page = await context.newPage();
      await consoleLogin(page, stack.server.origin, stack.server.adminEmail, stack.server.adminPassword);
      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      const preview = page.getByTestId('hours-preview');
      // site time, not the browser's: Tuesday 09:00 in Tokyo
      await expect.poll(() => preview.textContent()).toContain('Closed — opens Tue 09:00 (site time)');
      expect(await page.getByLabel('Timezone').inputValue()).toBe('Asia/Tokyo');

      // a range that ends before it starts: the preview says so, the server refuses, nothing changes
      const mondayCloses = page.getByLabel('Monday, range 1 closes');
      await mondayCloses.fill('08:00');
      expect(await preview.textContent()).toContain('Fix the hours');
      await page.locator('button[type=submit]', { hasText: 'Save changes' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'start must be before end' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('settings.hours.weekly.mon.0');
      const kept = await stack.server.api('GET /api/sites/:id', { params: { id: stack.site.id }, token: stack.token });
      expect(kept.site.settings.hours?.weekly.mon).toEqual(nineToFive);

      // open until midnight on Mondays: open now (23:30 in Tokyo)
      await mondayCloses.fill('24:00');
      expect(await preview.textContent()).toContain('Open now');

      // by keyboard: a holiday today closes it again, until Tuesday
      await page.getByRole('button', { name: 'Add holiday' }).focus();
      await page.keyboard.press('Enter');
      const holiday = page.getByLabel('Holiday 1', { exact: true });
      await expect.poll(() => holiday.evaluate((el) => el === document.activeElement)).toBe(true);
      await holiday.fill('2026-12-07');
      expect(await preview.textContent()).toContain('Closed — opens Tue 09:00 (site time)');
      // a second range on Saturday, added and removed again by keyboard
      await page.getByRole('button', { name: 'Add opening hours on Saturday' }).press('Enter');
      const saturdayOpens = page.getByLabel('Saturday, range 1 opens');
      await expect.poll(() => saturdayOpens.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.getByRole('button', { name: 'Remove Saturday 09:00–17:00' }).press('Enter');
      expect(await saturdayOpens.count()).toBe(0);

      const violations = await auditPage(page);
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'console-settings-hours.png'), animations: 'disabled' });

      await page.locator('button[type=submit]', { hasText: 'Save changes' }).click();
      await page.locator('.toast', { hasText: 'Site saved' }).waitFor();
      const config = await stack.server.api('GET /api/widget/config', { query: { siteKey: stack.site.key } });
      expect(config).toMatchObject({ open: false, nextOpenAt: '2026-12-08T00:00:00.000Z' });
      expect(config.hours).toMatchObject({ timezone: 'Asia/Tokyo', holidays: ['2026-12-07'] });
      expect(config.hours?.weekly.mon).toEqual([{ start: '09:00', end: '24:00' }]);
    },
    T,
  );
});
