import type { Site } from '@parley/protocol';
import { afterAll, beforeAll } from 'vitest';
import { type Browser, type HostPage, launchBrowser, startHostPage } from './browser';
import { type ParleyServer, startServer } from './server';

/** What a widget suite runs against; its fields are filled in by the suite's first beforeAll. */
export type WidgetStack = { server: ParleyServer; host: HostPage; browser: Browser; token: string; site: Site };

/**
 * Registers the set-up most widget suites share: a host page on an origin of its own, a Parley server that
 * allows it, the admin's token, the default site the host page embeds, and Chromium. Hooks registered after
 * this call run after its set-up and before its teardown. `env`: the server's extra settings (PARLEY_NOW…).
 */
export function useWidgetStack(options: { beforeServer?: () => void; env?: Record<string, string> } = {}): WidgetStack {
  const stack = {} as WidgetStack;
  beforeAll(async () => {
    options.beforeServer?.();
    stack.host = await startHostPage();
    stack.server = await startServer({
      siteOrigins: [stack.host.origin],
      ...(options.env ? { env: options.env } : {}),
    });
    stack.token = await stack.server.login();
    const { sites } = await stack.server.api('GET /api/sites', { token: stack.token });
    stack.site = sites[0]!;
    stack.host.configure({ siteKey: stack.site.key, serverOrigin: stack.server.origin });
    stack.browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await stack.browser?.close();
    await stack.server?.stop();
    await stack.host?.stop();
  });
  return stack;
}
