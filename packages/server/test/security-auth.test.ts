import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHandshake, expectNoCrashLogs } from './helpers/adversary.js';
import { api, connectAgent, createAgent, eventually, login, sleep } from './helpers/clients.js';
import { ADMIN, type RunningServer, removeDir, startServer } from './helpers/server.js';

/** Login throttling and lockout, token expiry, logout (REST and live sockets), bearer token handling. */
// Long enough for 14 sequential logins (each a scrypt) on a loaded 2-core machine.
const WINDOW_MS = 8000;
let server: RunningServer;
let admin: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  server = await startServer({
    env: { PARLEY_LOGIN_MAX_FAILURES: '3', PARLEY_LOGIN_WINDOW_MS: String(WINDOW_MS) },
  });
  servers.push(server);
  admin = await login(server.url);
});
afterAll(async () => {
  for (const s of servers) {
    expectNoCrashLogs(s);
    await s.stop();
    removeDir(s.dataDir);
  }
});

const attempt = (email: string, password: string, ip?: string) =>
  api(server.url, '/api/auth/login', {
    body: { email, password },
    ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
  });

describe('login throttling', () => {
  it('locks an account after repeated failures, even for the right password, then lifts the lock', async () => {
    const agent = await createAgent(server.url, admin);
    const ip = '198.51.100.1';
    for (let i = 0; i < 3; i++) expect((await attempt(agent.email, 'wrong-password', ip)).status).toBe(401);
    const locked = await attempt(agent.email, agent.password, ip);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    // The hard lock is per account and address: an attacker cannot lock the agent out from elsewhere
    // (the account-wide cap is much higher: login-throttle.test.ts).
    expect((await attempt(agent.email, agent.password, '198.51.100.2')).status).toBe(200);
    // Other accounts are unaffected.
    expect((await attempt(ADMIN.email, ADMIN.password, '198.51.100.3')).status).toBe(200);
    await sleep(WINDOW_MS + 200);
    expect((await attempt(agent.email, agent.password, ip)).status).toBe(200);
  });

  it('throttles one address that tries many accounts (credential stuffing)', async () => {
    const ip = '203.0.113.7';
    const results: number[] = [];
    for (let i = 0; i < 14; i++) results.push((await attempt(`nobody${i}@example.com`, 'guess-password', ip)).status);
    expect(results.slice(0, 12).every((s) => s === 401)).toBe(true);
    expect(results.slice(12)).toEqual([429, 429]);
    // Even a correct login from that address waits; another address is fine.
    expect((await attempt(ADMIN.email, ADMIN.password, ip)).status).toBe(429);
    expect((await attempt(ADMIN.email, ADMIN.password, '203.0.113.8')).status).toBe(200);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await attempt('ghost@example.com', 'wrong-password', '192.0.2.50');
    const wrong = await attempt(ADMIN.email, 'wrong-password', '192.0.2.51');
    expect(unknown).toEqual(wrong);
    expect(unknown.status).toBe(401);
  });
});

describe('bearer tokens', () => {
  it('refuses malformed, forged and visitor tokens with 401 unauthorized', async () => {
    const forged = [
      'x',
      'a'.repeat(43),
      `${admin.slice(0, -1)}${admin.endsWith('A') ? 'B' : 'A'}`,
      `${admin}.extra`,
      'v1.visitor.site.signature',
      "' or '1'='1",
      'a'.repeat(5000),
    ];
    for (const token of forged) {
      const res = await api(server.url, '/api/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, token.slice(0, 40)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    for (const header of [`Basic ${admin}`, `bearer ${admin}`, admin, `Bearer  ${admin}`]) {
      const res = await api(server.url, '/api/me', { headers: { authorization: header } });
      expect(res.status, header.slice(0, 20)).toBe(401);
    }
  });

  it('logout revokes the token for REST and disconnects the sockets opened with it, not other sessions', async () => {
    const agent = await createAgent(server.url, admin);
    const otherSession = await login(server.url, agent.email, agent.password);
    const a = await connectAgent(server.url, agent.token);
    const b = await connectAgent(server.url, agent.token);
    const other = await connectAgent(server.url, otherSession);
    const reasons: string[] = [];
    a.socket.on('disconnect', (reason) => reasons.push(reason));
    b.socket.on('disconnect', (reason) => reasons.push(reason));
    expect((await api(server.url, '/api/auth/logout', { method: 'POST', token: agent.token })).status).toBe(200);
    expect((await api(server.url, '/api/me', { token: agent.token })).status).toBe(401);
    await eventually(() => expect(reasons).toEqual(['io server disconnect', 'io server disconnect']));
    expect(await agentHandshake(server.url, { token: agent.token })).toEqual({ ok: false, code: 'unauthorized' });
    await sleep(100);
    expect(other.socket.connected).toBe(true);
    expect((await api(server.url, '/api/me', { token: otherSession })).status).toBe(200);
    other.socket.close();
  });

  it('tokens expire (PARLEY_TOKEN_TTL_HOURS): REST and new sockets are refused afterwards, open sockets end', async () => {
    const short = await startServer({ env: { PARLEY_TOKEN_TTL_HOURS: '0.0003' } });
    servers.push(short);
    const res = await api(short.url, '/api/auth/login', { body: ADMIN });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeLessThan(1500);
    const token = res.body.token as string;
    expect((await api(short.url, '/api/me', { token })).status).toBe(200);
    const open = await agentHandshake(short.url, { token });
    expect(open.ok).toBe(true);
    const reasons: string[] = [];
    if (open.ok) open.socket.on('disconnect', (reason) => reasons.push(reason));
    await sleep(1500);
    // A socket opened while the token was good does not outlive it (before, it stayed until it reconnected).
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    const expired = await api(short.url, '/api/me', { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
    expect(await agentHandshake(short.url, { token })).toEqual({ ok: false, code: 'unauthorized' });
  });
});
