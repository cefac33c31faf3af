import type { Page } from 'playwright-core';

/** The widget's stable hooks (CONTRACT.md "Embed"), pierced through its shadow root by Playwright. */
export const widget = (page: Page) => ({
  launcher: page.locator('[data-parley="launcher"]'),
  panel: page.locator('[data-parley="panel"]'),
  input: page.locator('[data-parley="input"]'),
  send: page.locator('[data-parley="send"]'),
  messages: page.locator('[data-parley="message"]'),
  unread: page.locator('[data-parley="unread"]'),
  typing: page.locator('[data-parley="typing"]'),
  byAuthor: (author: 'visitor' | 'agent' | 'system') =>
    page.locator(`[data-parley="message"][data-author="${author}"]`),
});
