import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoCrashLogs } from './helpers/adversary.js';
import { api, createAgent, login } from './helpers/clients.js';
import { createTestDatabase, services } from './helpers/cluster.js';
import { useServer } from './helpers/fixtures.js';
import { ADMIN, type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Small guards: API answers are never stored by a browser or proxy; the deployment never loses its
 * last active admin (not even to two admins demoting each other at once); /metrics behind a token.
 */

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('Cache-Control and /metrics (embedded store)', () => {
  const server = useServer({ PARLEY_METRICS_TOKEN: METRICS_TOKEN });

  it('every API answer says Cache-Control: no-store, tokens and errors included', async () => {
    const headersOf = async (route: string, init: RequestInit = {}) =>
      (await fetch(server.url + route, init)).headers.get('cache-control');
    const json = (body: unknown): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const loginRes = await fetch(`${server.url}/api/auth/login`, json(ADMIN));
    expect(loginRes.status).toBe(200);
    expect(loginRes.headers.get('cache-control')).toBe('no-store');
    const { token } = (await loginRes.json()) as { token: string };
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    expect(await headersOf('/api/me', bearer)).toBe('no-store');
    expect(await headersOf('/api/sites', bearer)).toBe('no-store');
    const { sites } = (await (await fetch(`${server.url}/api/sites`, bearer)).json()) as { sites: { key: string }[] };
    expect(await headersOf(`/api/widget/config?siteKey=${sites[0]!.key}`)).toBe('no-store');
    expect(await headersOf('/api/auth/login', json({ email: ADMIN.email, password: 'wrong-password' }))).toBe(
      'no-store',
    );
    expect(await headersOf('/api/auth/login', json({}))).toBe('no-store');
    expect(await headersOf('/api/me')).toBe('no-store');
    expect(await headersOf('/api/no-such-route')).toBe('no-store');
  });

  it('/metrics needs the bearer token when PARLEY_METRICS_TOKEN is set', async () => {
    const scrape = (authorization?: string) =>
      fetch(`${server.url}/metrics`, authorization ? { headers: { authorization } } : {});
    for (const wrong of [undefined, 'Bearer nope', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
      const res = await scrape(wrong);
      expect(res.status, String(wrong)).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('parley_');
  });
});

const env = await services({ postgres: true });

describe.skipIf(!env.run)('the last active admin (PostgreSQL, concurrent requests)', { timeout: 90_000 }, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let server: RunningServer;
  let admin: string;
  let adminId: string;
  beforeAll(async () => {
    env.assert();
    db = await createTestDatabase();
    server = await startServer({ env: { DATABASE_URL: db.url } });
    admin = await login(server.url);
    adminId = (await api(server.url, '/api/me', { token: admin })).body.agent.id;
  });
  afterAll(async () => {
    if (server) {
      expectNoCrashLogs(server);
      await server.stop();
      removeDir(server.dataDir);
    }
    await db?.drop();
  });

  const patch = (token: string, id: string, body: object) =>
    api(server.url, `/api/agents/${id}`, { method: 'PATCH', token, body });
  const activeAdmins = async (token: string) =>
    ((await api(server.url, '/api/agents', { token })).body.agents as { role: string; active: boolean }[]).filter(
      (a) => a.role === 'admin' && a.active,
    ).length;

  it('the only admin cannot demote or deactivate themselves (409 conflict), and changes nothing', async () => {
    for (const body of [
      { role: 'agent' },
      { role: 'supervisor' },
      { active: false },
      { role: 'agent', active: false },
    ]) {
      const res = await patch(admin, adminId, body);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.message).toMatch(/last active admin/);
    }
    const me = (await api(server.url, '/api/me', { token: admin })).body.agent;
    expect(me).toMatchObject({ role: 'admin', active: true });
    // Other changes to oneself still work.
    expect((await patch(admin, adminId, { name: 'Head admin' })).status).toBe(200);
  });

  it('two admins demoting each other at once: one wins, one admin is left (10 rounds)', async () => {
    let survivor = { id: adminId, token: admin };
    for (let round = 0; round < 10; round++) {
      const created = await createAgent(server.url, survivor.token, { role: 'admin' });
      const rival = { id: created.agent.id, token: created.token };
      const body = round % 2 === 0 ? { role: 'agent' } : { active: false };
      const [first, second] = await Promise.all([
        patch(survivor.token, rival.id, body),
        patch(rival.token, survivor.id, body),
      ]);
      const statuses = [first.status, second.status].sort();
      // Either one demotion wins and the other is refused, or (the loser's token checked after the
      // winner’s change) it is refused as no longer an (active) admin. Never both through.
      expect(statuses[0], JSON.stringify([first.body, second.body])).toBe(200);
      expect([401, 403, 409], JSON.stringify([first.body, second.body])).toContain(statuses[1]);
      survivor = first.status === 200 ? survivor : rival;
      expect(await activeAdmins(survivor.token)).toBe(1);
    }
  });
});
