import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { createHttpApp, type HttpDeps } from '../src/http/http-app.js';
import { expectNoCrashLogs } from './helpers/adversary.js';
import { api, connectAgent, createAgent, eventually, login } from './helpers/clients.js';
import { type Access, fillPath, ROUTES } from './helpers/routes.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/** Every REST route × every role: anonymous, agent, supervisor, admin. */
type Role = 'anonymous' | 'agent' | 'supervisor' | 'admin';
const ROLES: Role[] = ['anonymous', 'agent', 'supervisor', 'admin'];
const RANK: Record<Role, number> = { anonymous: 0, agent: 1, supervisor: 2, admin: 3 };
const NEEDS: Record<Access, number> = { public: 0, agent: 1, supervisor: 2, admin: 3 };

let server: RunningServer;
const tokens: Partial<Record<Role, string>> = {};
const creds: Partial<Record<Role, { email: string; password: string }>> = {};

beforeAll(async () => {
  server = await startServer();
  tokens.admin = await login(server.url);
  for (const role of ['agent', 'supervisor'] as const) {
    const created = await createAgent(server.url, tokens.admin, { role });
    tokens[role] = created.token;
    creds[role] = created;
  }
});
afterAll(async () => {
  expectNoCrashLogs(server);
  await server.stop();
  removeDir(server.dataDir);
});

/** The routes registered on the real Express app, read from its router (so new routes must be listed). */
function registeredRoutes(): string[] {
  const config = { jsonBodyLimit: '64kb' } as Config;
  const app = createHttpApp({ config, staticRoot: '/nonexistent', isStopping: () => false } as unknown as HttpDeps);
  const found: string[] = [];
  type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string')
        for (const method of Object.keys(layer.route.methods))
          if (method !== '_all') found.push(`${method.toUpperCase()} ${layer.route.path}`);
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

describe('route table', () => {
  it('lists every route the server registers', () => {
    const listed = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(15);
    expect(registered.filter((r) => !listed.has(r))).toEqual([]);
  });
});

describe('every route × every role', () => {
  for (const route of ROUTES) {
    it(`${route.method} ${route.path} is ${route.access}`, async () => {
      for (const role of ROLES) {
        let token = tokens[role as Exclude<Role, 'anonymous'>];
        // Logging out would end the shared session: use a fresh one.
        if (route.path === '/api/auth/logout' && role !== 'anonymous')
          token = await login(server.url, ...(role === 'admin' ? [] : [creds[role]!.email, creds[role]!.password]));
        const path = fillPath(route.path, 'no-such-id');
        const res = await api(server.url, path, {
          method: route.method,
          ...(token ? { token } : {}),
          ...(route.method === 'POST' || route.method === 'PATCH' ? { body: {} } : {}),
        });
        const what = `${role} ${route.method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`;
        expect(res.status, what).toBeLessThan(500);
        if (RANK[role] >= NEEDS[route.access]) {
          expect([401, 403], what).not.toContain(res.status);
        } else if (role === 'anonymous') {
          expect(res.status, what).toBe(401);
          expect(res.body.error.code, what).toBe('unauthorized');
        } else {
          expect(res.status, what).toBe(403);
          expect(res.body.error.code, what).toBe('forbidden');
        }
      }
    });
  }

  it('a deactivated agent’s tokens and live sockets stop working at once', async () => {
    const victim = await createAgent(server.url, tokens.admin!);
    expect((await api(server.url, '/api/me', { token: victim.token })).status).toBe(200);
    const live = await connectAgent(server.url, victim.token);
    const patch = await api(server.url, `/api/agents/${victim.agent.id}`, {
      method: 'PATCH',
      token: tokens.admin!,
      body: { active: false },
    });
    expect(patch.status).toBe(200);
    for (const path of ['/api/me', '/api/conversations', '/api/sites'])
      expect((await api(server.url, path, { token: victim.token })).status, path).toBe(401);
    const relogin = await api(server.url, '/api/auth/login', {
      body: { email: victim.email, password: victim.password },
    });
    expect(relogin.status).toBe(401);
    // Their live console socket is cut too.
    await eventually(() => expect(live.socket.connected).toBe(false));
  });

  it('an agent cannot raise their own role or touch another agent', async () => {
    const me = (await api(server.url, '/api/me', { token: tokens.agent! })).body.agent;
    const self = await api(server.url, `/api/agents/${me.id}`, {
      method: 'PATCH',
      token: tokens.agent!,
      body: { role: 'admin' },
    });
    expect(self.status).toBe(403);
    expect((await api(server.url, '/api/me', { token: tokens.agent! })).body.agent.role).toBe('agent');
    const supervisorPromotes = await api(server.url, `/api/agents/${me.id}`, {
      method: 'PATCH',
      token: tokens.supervisor!,
      body: { role: 'admin' },
    });
    expect(supervisorPromotes.status).toBe(403);
  });
});
