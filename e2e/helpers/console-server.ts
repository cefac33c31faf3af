import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './server.js';

/**
 * Console e2e support: makes sure the console build and the server build are present and current
 * (the server must include the canned/stats routes), plus a few page helpers.
 */

const CONSOLE_DIR = path.join(REPO_ROOT, 'packages/agent-console');
const SERVER_DIST = path.join(REPO_ROOT, 'packages/server/dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureConsoleBuilt(): void {
  const index = path.join(CONSOLE_DIR, 'dist/index.html');
  if (!existsSync(index) || newestMtime(path.join(CONSOLE_DIR, 'src')) > statSync(index).mtimeMs) {
    console.log('[e2e] building @parley/agent-console');
    // vitest sets NODE_ENV=test, which would make Vite bundle Preact's debug build.
    execFileSync('pnpm', ['--filter', '@parley/agent-console', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  const bundled =
    existsSync(SERVER_DIST) &&
    readdirSync(SERVER_DIST)
      .filter((f) => f.endsWith('.js'))
      .some((f) => readFileSync(path.join(SERVER_DIST, f), 'utf8').includes('/api/stats/live'));
  if (!bundled) {
    console.log('[e2e] building @parley/server (missing or without the console routes)');
    execFileSync('pnpm', ['--filter', '@parley/server', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
}

export async function consoleLogin(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.conn-connected').waitFor({ timeout: 15_000 });
}

export async function setConsoleStatus(page: Page, status: 'online' | 'away'): Promise<void> {
  const button = page.locator('.status-toggle button', { hasText: status === 'online' ? 'Online' : 'Away' });
  await button.click();
  // The console switches only after the server acknowledged the new status.
  await page.locator(`.status-toggle button.on.${status}`).waitFor();
}
