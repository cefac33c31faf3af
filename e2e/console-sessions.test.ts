import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, launchBrowser, type Page } from './helpers/browser.js';
import { consoleLogin, ensureConsoleBuilt } from './helpers/console-server.js';
import { type ParleyServer, startServer } from './helpers/server.js';

/**
 * The console when an admin changes the agent behind it (the server cuts the agent's sockets): after a
 * role change it reconnects by itself and stays signed in; after a password change it signs out.
 */

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('agent console after an admin changes the agent', () => {
  let server: ParleyServer;
  let browser: Browser;
  let admin: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startServer();
    browser = await launchBrowser();
    admin = await server.login();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(key: string, role: 'agent' | 'supervisor'): Promise<{ id: string; page: Page }> {
    const email = `${key}@example.com`;
    const password = `${key}-password-1`;
    const agent = await server.api('POST /api/agents', {
      token: admin,
      body: { email, name: key, password, role, maxChats: 5 },
    });
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await consoleLogin(page, server.origin, email, password);
    return { id: agent.id, page };
  }

  const patch = (id: string, body: object) =>
    server.api('PATCH /api/agents/:id', { params: { id: id }, token: admin, body });

  it('a demoted supervisor’s console goes offline, reconnects by itself and stays signed in', async () => {
    const { id, page } = await signedIn('demoted', 'supervisor');
    const dashboardLink = page.getByRole('link', { name: 'Dashboard' });
    await dashboardLink.waitFor();
    await patch(id, { role: 'agent' });
    await page.locator('.conn-disconnected').waitFor({ timeout: 10_000 });
    await page.locator('.conn-connected').waitFor({ timeout: 15_000 });
    expect(await page.locator('input[name=password]').count()).toBe(0);
    // The screen follows: the supervisor's Dashboard goes, and the role under the name says "agent".
    await dashboardLink.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('.me-text .muted').textContent()).toBe('agent');
  });

  it('a password change set by an admin signs the console out', async () => {
    const { id, page } = await signedIn('reset', 'agent');
    await patch(id, { password: 'set-by-the-admin-1' });
    await page.locator('input[name=password]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('body')).toContain('Your session has ended');
  });

  it('an agent turns offline emails off in the top bar, and it sticks after a reload', async () => {
    const { page } = await signedIn('mailer', 'agent');
    const toggle = page.getByRole('switch', { name: 'Email when offline' });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await page.locator('[data-testid=email-notifications][aria-checked=false]').waitFor({ timeout: 10_000 });
    await page.reload();
    await page.locator('.conn-connected').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('switch', { name: 'Email when offline' }).getAttribute('aria-checked')).toBe('false');
  });
});
