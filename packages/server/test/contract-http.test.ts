import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAgent, login } from './helpers/clients.js';
import { ADMIN, type RunningServer, removeDir, startServer } from './helpers/server.js';

let server: RunningServer;
let admin: string;

beforeAll(async () => {
  server = await startServer({ env: { PARLEY_LOGIN_MAX_FAILURES: '3' } });
  admin = await login(server.url);
});
afterAll(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await api(server.url, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await api(server.url, '/readyz');
    expect(ready.status).toBe(200);
  });
  it('exposes Prometheus metrics with connections, queue, messages and ack latency', async () => {
    const res = await api(server.url, '/metrics');
    expect(res.status).toBe(200);
    for (const name of [
      'parley_connections',
      'parley_queued_conversations',
      'parley_messages_total',
      'parley_ack_latency_seconds',
    ])
      expect(res.body).toContain(name);
  });
});

describe('auth', () => {
  it('logs in and returns the agent without any password hash', async () => {
    const res = await api(server.url, '/api/auth/login', { body: ADMIN });
    expect(res.status).toBe(200);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.agent.role).toBe('admin');
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
  });
  it('refuses wrong credentials with 401 invalid_credentials, then throttles with 429', async () => {
    const agent = await createAgent(server.url, admin);
    for (let i = 0; i < 3; i++) {
      const res = await api(server.url, '/api/auth/login', {
        body: { email: agent.email, password: 'wrong-password' },
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_credentials');
    }
    const throttled = await api(server.url, '/api/auth/login', {
      body: { email: agent.email, password: agent.password },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('too_many_attempts');
  });
  it('GET /api/me needs a valid token; logout revokes it', async () => {
    expect((await api(server.url, '/api/me')).status).toBe(401);
    expect((await api(server.url, '/api/me', { token: 'not-a-real-token-000' })).status).toBe(401);
    const token = await login(server.url);
    expect((await api(server.url, '/api/me', { token })).body.agent.email).toBe(ADMIN.email);
    expect((await api(server.url, '/api/auth/logout', { method: 'POST', token })).status).toBe(200);
    const after = await api(server.url, '/api/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });
});

describe('roles and validation', () => {
  it('only admins create sites and agents', async () => {
    const { token } = await createAgent(server.url, admin);
    const site = await api(server.url, '/api/sites', { token, body: { name: 'X', allowedOrigins: [] } });
    expect(site.status).toBe(403);
    expect(site.body.error.code).toBe('forbidden');
    const agent = await api(server.url, '/api/agents', {
      token,
      body: { email: 'x@example.com', name: 'X', password: 'password-123', role: 'admin' },
    });
    expect(agent.status).toBe(403);
  });
  it('admin creates a site; it is listed with its key and origins', async () => {
    const created = await api(server.url, '/api/sites', {
      token: admin,
      body: { name: 'Shop', allowedOrigins: ['https://shop.example.com'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^[A-Za-z0-9]{16}$/);
    const list = await api(server.url, '/api/sites', { token: admin });
    expect(list.body.sites.map((s: { key: string }) => s.key)).toContain(created.body.key);
    expect(list.body.sites.find((s: { key: string }) => s.key === created.body.key).allowedOrigins).toEqual([
      'https://shop.example.com',
    ]);
  });
  it('admin creates an agent: 201, no password hash in the response, duplicate email is 409', async () => {
    const body = { email: 'new.agent@example.com', name: 'New', password: 'password-123', role: 'agent', maxChats: 3 };
    const res = await api(server.url, '/api/agents', { token: admin, body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.agent@example.com', role: 'agent', maxChats: 3 });
    expect(JSON.stringify(res.body)).not.toMatch(/hash|password/i);
    const again = await api(server.url, '/api/agents', { token: admin, body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });
  it('bad input gets 4xx with a code and changes nothing', async () => {
    const before = (await api(server.url, '/api/sites', { token: admin })).body.sites.length;
    const cases = [
      { rawBody: '{"name": ' },
      { body: { name: '', allowedOrigins: [] } },
      { body: { name: 'x', allowedOrigins: ['javascript:alert(1)'] } },
      { body: { name: 'x', allowedOrigins: 'https://a.example' } },
      { body: [1, 2, 3] },
      { rawBody: '{"__proto__":{"admin":true},"name":"x"}' },
    ];
    for (const c of cases) {
      const res = await api(server.url, '/api/sites', { token: admin, ...c });
      expect(res.status, JSON.stringify(c)).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
    }
    const big = await api(server.url, '/api/sites', {
      token: admin,
      body: { name: 'x'.repeat(200_000), allowedOrigins: [] },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    expect((await api(server.url, '/api/sites', { token: admin })).body.sites.length).toBe(before);
    expect((await api(server.url, '/api/nope')).status).toBe(404);
    expect((await api(server.url, '/api/conversations?limit=abc', { token: admin })).status).toBe(400);
    expect((await api(server.url, '/api/conversations?cursor=garbage', { token: admin })).status).toBe(400);
  });
});

describe('logs', () => {
  it('never logs passwords or tokens at info', () => {
    const all = JSON.stringify(server.logs);
    expect(all).not.toContain(ADMIN.password);
    expect(all).not.toContain('wrong-password');
  });
});
