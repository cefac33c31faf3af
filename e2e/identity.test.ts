import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, type HostPage } from './helpers/browser';
import { consoleLogin, ensureConsoleBuilt, setConsoleStatus } from './helpers/console-server';
import { type ParleyServer, until } from './helpers/server';
import { widget } from './helpers/widget';
import { useWidgetStack } from './helpers/widget-stack';

/**
 * Identity verification seen end to end: a host page identifies its visitor through the widget
 * (`Parley('identify', …)`), the visitor writes, and the agent console's visitor panel marks exactly the
 * fields the site signed as verified: all three with an identity token, only the user id with a userHash.
 */

const T = 90_000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A site owner's server signing an identity token with node:crypto alone (HS256 JWT). */
function identityToken(secret: string, claims: { sub: string; name?: string; email?: string }) {
  const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

describe.skipIf(!chromiumAvailable())('identity in the widget and the console', () => {
  let server: ParleyServer;
  let host: HostPage;
  let browser: Browser;
  let token: string;
  let secret: string;

  const stack = useWidgetStack({ beforeServer: ensureConsoleBuilt });
  beforeAll(async () => {
    ({ server, host, browser, token } = stack);
    secret = (await server.api('GET /api/sites/:id', { params: { id: stack.site.id }, token })).site.identitySecret;
  });

  /** A visitor on the host page identifies with `data`, then writes `text`; returns the conversation id. */
  async function identifiedVisitorWrites(data: Record<string, string>, text: string): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.url({ css: 'plain' }));
    const w = widget(page);
    await w.launcher.waitFor();
    await page.evaluate(
      (identity) => (window as unknown as { Parley: (...a: unknown[]) => void }).Parley('identify', identity),
      data,
    );
    await w.launcher.click();
    await w.input.fill(text);
    await w.input.press('Enter');
    await w.byAuthor('visitor').filter({ hasText: text }).and(page.locator('[data-state="sent"]')).waitFor();
    return until(
      async () => {
        const { conversations } = await server.api('GET /api/conversations', {
          query: { status: 'open', limit: 200 },
          token,
        });
        for (const c of conversations) {
          const { messages } = await server.api('GET /api/conversations/:id/messages', { params: { id: c.id }, token });
          if (messages.some((m) => m.text === text)) return c.id;
        }
        return undefined;
      },
      15_000,
      `the conversation of "${text}"`,
    );
  }

  it(
    'the visitor panel badges exactly the signed fields: token → user id, name, email; userHash → user id only',
    async () => {
      const signedId = await identifiedVisitorWrites(
        { token: identityToken(secret, { sub: 'crm-1001', name: 'Grace Hopper', email: 'grace@example.com' }) },
        'Signed in with a token',
      );
      const hashedId = await identifiedVisitorWrites(
        {
          userId: 'crm-1002',
          userHash: createHmac('sha256', secret).update('crm-1002').digest('hex'),
          name: 'Claimed Name',
          email: 'claimed@example.com',
        },
        'Signed in with a hash',
      );

      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const agent = await context.newPage();
      await consoleLogin(agent, server.origin, server.adminEmail, server.adminPassword);
      await setConsoleStatus(agent, 'online');
      const panelOf = async (conversationId: string) => {
        await agent.locator(`#conversation-list li[data-conversation="${conversationId}"] .conv-main`).click();
        const panel = agent.locator('aside.visitor');
        await expect.poll(() => panel.textContent(), { timeout: 15_000 }).toContain('User ID');
        return panel;
      };

      const signed = await panelOf(signedId);
      await expect.poll(() => signed.textContent()).toContain('grace@example.com');
      const badges = async (panel: typeof signed) =>
        (await panel.locator('.pill-verified').allTextContents()).map((t) => t.trim());
      expect((await badges(signed)).sort()).toEqual(['Email verified', 'Name verified', 'User ID verified']);
      expect(await signed.textContent()).not.toContain('not verified');

      const hashed = await panelOf(hashedId);
      await expect.poll(() => hashed.textContent()).toContain('claimed@example.com');
      expect(await badges(hashed)).toEqual(['User ID verified']);
      const text = (await hashed.textContent()) ?? '';
      expect(text).toContain('Name given by the visitor, not verified');
      expect(text).toMatch(/claimed@example\.com\s*not verified/);
      await context.close();
    },
    T,
  );
});
