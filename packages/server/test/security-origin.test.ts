import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHandshake, expectNoCrashLogs, visitorHandshake } from './helpers/adversary.js';
import { api, defaultSiteKey, login } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/** Cross-site WebSocket hijacking: foreign Origins are refused on both namespaces and both transports. */
let server: RunningServer;
let admin: string;
let siteKey: string;
let own: string;

beforeAll(async () => {
  server = await startServer();
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
  own = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  expectNoCrashLogs(server);
  await server.stop();
  removeDir(server.dataDir);
});

const foreign = () => [
  'https://evil.example',
  'null',
  `http://127.0.0.1:${server.port}.evil.example`,
  `https://127.0.0.1:${server.port}`,
  `http://127.0.0.1:${server.port + 1}`,
  `http://evil.example/http://127.0.0.1:${server.port}`,
  'file://',
  'http://LOCALHOST.evil',
];

describe('cross-site WebSocket hijacking', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`/visitor refuses foreign Origins with origin_not_allowed (${transport})`, async () => {
      for (const origin of foreign()) {
        const res = await visitorHandshake(server.url, { siteKey }, { origin, transports: [transport] });
        expect(res, origin).toEqual({ ok: false, code: 'origin_not_allowed' });
      }
      const allowed = await visitorHandshake(server.url, { siteKey }, { origin: own, transports: [transport] });
      expect(allowed.ok).toBe(true);
      if (allowed.ok) allowed.socket.close();
    });
  }

  it('/agent only accepts its own origin (the console), even with a valid token', async () => {
    // Host-based (the scheme is the proxy's business), so http/https of the same host:port count as one.
    for (const origin of foreign().filter((o) => !o.startsWith('https://127.0.0.1'))) {
      const res = await agentHandshake(server.url, { token: admin }, { origin });
      expect(res, origin).toEqual({ ok: false, code: 'origin_not_allowed' });
    }
    const same = await agentHandshake(server.url, { token: admin }, { origin: own });
    expect(same.ok).toBe(true);
    if (same.ok) same.socket.close();
    // Non-browser clients send no Origin: they still need the token.
    const bare = await agentHandshake(server.url, { token: admin });
    expect(bare.ok).toBe(true);
    if (bare.ok) bare.socket.close();
  });

  it('the REST API grants no cross-origin access (no CORS headers for foreign origins)', async () => {
    const preflight = await fetch(`${server.url}/api/conversations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBeLessThan(500);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const get = await fetch(`${server.url}/api/me`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${admin}` },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
    // Login cannot be driven cross-origin with credentials either.
    const loginRes = await api(server.url, '/api/auth/login', {
      body: { email: 'x@example.com', password: 'y' },
      headers: { origin: 'https://evil.example' },
    });
    expect(loginRes.status).toBe(401);
  });
});
