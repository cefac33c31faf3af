import { afterAll, describe, expect, it } from 'vitest';
import { expectNoCrashLogs } from './helpers/adversary.js';
import { freePort } from './helpers/cluster.js';
import { ADMIN, type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * /readyz means usable: on a fresh DATA_DIR its first 200 comes only once the first admin and the default
 * site exist. Before that, a login answers 503 (not 401, and it is not counted as a failed login).
 */

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) {
    expectNoCrashLogs(s);
    await s.stop();
    removeDir(s.dataDir);
  }
});

/** fetch that answers null while nothing listens yet. */
const tryFetch = (url: string, init?: RequestInit) => fetch(url, init).catch(() => null);

const loginRequest = (base: string) =>
  tryFetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });

describe('readiness from process start', () => {
  it('the first 200 from /readyz is followed by a working login and a demo page with a site key', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // One failed login would lock the admin out of this address: a login counted before bootstrap shows.
    const starting = startServer({ port, env: { PARLEY_LOGIN_MAX_FAILURES: '1' } });
    starting.then((s) => servers.push(s)).catch(() => {});
    const before: string[] = [];
    for (;;) {
      const ready = await tryFetch(`${base}/readyz`);
      if (ready?.status === 200) break;
      if (ready) {
        expect(ready.status).toBe(503);
        // Listening but not usable yet: everything else waits too, with a clear 503.
        const early = await loginRequest(base);
        if (early) before.push(`${early.status} ${((await early.json()) as { error?: { code: string } }).error?.code}`);
      }
    }
    const loggedIn = await loginRequest(base);
    expect(loggedIn?.status).toBe(200);
    const demo = await (await fetch(`${base}/`)).text();
    expect(demo).toMatch(/data-site="[A-Za-z0-9_-]+"/);
    // Every login tried before ready was told to wait (whether any was tried depends on timing).
    for (const answer of before) expect(['503 unavailable', '200 undefined']).toContain(answer);
    await starting;
  });
});
