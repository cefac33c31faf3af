import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectAgent,
  connectVisitor,
  createAgent,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
} from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/** Canned responses (GET/POST/PATCH/DELETE /api/canned) and supervisor stats (/api/stats, /api/stats/live). */
describe('canned responses and stats routes', () => {
  let server: RunningServer;
  let base: string;
  let admin: string;
  let agent: Awaited<ReturnType<typeof createAgent>>;
  let supervisor: Awaited<ReturnType<typeof createAgent>>;

  beforeAll(async () => {
    server = await startServer();
    base = server.url;
    admin = await login(base);
    agent = await createAgent(base, admin, { role: 'agent', name: 'Ana' });
    supervisor = await createAgent(base, admin, { role: 'supervisor', name: 'Sam' });
  });
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('admins create, edit and delete canned responses; every agent reads them', async () => {
    const created = await api(base, '/api/canned', {
      token: admin,
      body: { shortcut: 'Refund', text: 'Refunds take 5 days.' },
    });
    expect(created.status).toBe(201);
    expect(created.body.canned).toMatchObject({ shortcut: 'refund', text: 'Refunds take 5 days.' });
    const id = created.body.canned.id as string;

    const listed = await api(base, '/api/canned', { token: agent.token });
    expect(listed.status).toBe(200);
    expect(listed.body.canned.map((c: { shortcut: string }) => c.shortcut)).toContain('refund');

    const patched = await api(base, `/api/canned/${id}`, {
      token: admin,
      method: 'PATCH',
      body: { text: 'Refunds take 3 days.' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.canned).toMatchObject({ id, shortcut: 'refund', text: 'Refunds take 3 days.' });

    const dup = await api(base, '/api/canned', { token: admin, body: { shortcut: 'REFUND', text: 'again' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');

    const other = await api(base, '/api/canned', { token: admin, body: { shortcut: 'hello', text: 'Hi!' } });
    const clash = await api(base, `/api/canned/${other.body.canned.id}`, {
      token: admin,
      method: 'PATCH',
      body: { shortcut: 'refund' },
    });
    expect(clash.status).toBe(409);

    expect((await api(base, `/api/canned/${id}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    const gone = await api(base, `/api/canned/${id}`, { token: admin, method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    expect((await api(base, '/api/canned/nope', { token: admin, method: 'PATCH', body: { text: 'x' } })).status).toBe(
      404,
    );
  });

  it('enforces roles on canned responses', async () => {
    expect((await api(base, '/api/canned')).status).toBe(401);
    for (const token of [agent.token, supervisor.token]) {
      const res = await api(base, '/api/canned', { token, body: { shortcut: 'nope', text: 'no' } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const listed = await api(base, '/api/canned', { token: admin });
    const any = listed.body.canned[0] as { id: string };
    expect(
      (await api(base, `/api/canned/${any.id}`, { token: agent.token, method: 'PATCH', body: { text: 'x' } })).status,
    ).toBe(403);
    expect((await api(base, `/api/canned/${any.id}`, { token: agent.token, method: 'DELETE' })).status).toBe(403);
  });

  it('rejects invalid canned bodies with 400 invalid_payload', async () => {
    const bad: unknown[] = [
      {},
      { shortcut: '', text: 'x' },
      { shortcut: 'has space', text: 'x' },
      { shortcut: '/slash', text: 'x' },
      { shortcut: 'a'.repeat(33), text: 'x' },
      { shortcut: 'ok', text: '   ' },
      { shortcut: 'ok', text: 'x'.repeat(5001) },
      { shortcut: 42, text: 'x' },
      [],
    ];
    for (const body of bad) {
      const res = await api(base, '/api/canned', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
    }
    const malformed = await api(base, '/api/canned', { token: admin, rawBody: '{"shortcut":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_payload');
    const patch = await api(base, '/api/canned/x', { token: admin, method: 'PATCH', body: { shortcut: 'no spaces!' } });
    expect(patch.status).toBe(400);
  });

  it('stats are for supervisors and admins; bad periods are 400 invalid_payload', async () => {
    expect((await api(base, '/api/stats')).status).toBe(401);
    expect((await api(base, '/api/stats', { token: agent.token })).status).toBe(403);
    expect((await api(base, '/api/stats/live', { token: agent.token })).status).toBe(403);
    expect((await api(base, '/api/stats', { token: supervisor.token })).status).toBe(200);
    expect((await api(base, '/api/stats/live', { token: supervisor.token })).status).toBe(200);
    for (const query of [
      'from=yesterday',
      'to=2025-13-45',
      'from=2025-02-01&to=2025-01-01',
      'from=2020-01-01&to=2025-01-01',
      `from=${'9'.repeat(60)}`,
    ]) {
      const res = await api(base, `/api/stats?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
    }
    const day = await api(base, '/api/stats?from=2025-01-01&to=2025-01-03', { token: admin });
    expect(day.status).toBe(200);
    expect(day.body.daily.map((d: { day: string }) => d.day)).toEqual(['2025-01-01', '2025-01-02']);
    expect(day.body.conversations).toBe(0);
    expect(day.body.firstResponse.median).toBeNull();
  });

  it('computes live and period numbers from real conversations', async () => {
    const siteKey = await defaultSiteKey(base, admin);
    const before = (await api(base, '/api/stats', { token: supervisor.token })).body;

    // Nobody online: the conversation waits in the queue.
    const visitor = await connectVisitor(base, siteKey);
    await ok(emit(visitor.socket, 'message:send', { clientId: 'v1', text: 'Hello?' }));
    const live = await eventually(async () => {
      const res = await api(base, '/api/stats/live', { token: supervisor.token });
      expect(res.body.queueLength).toBeGreaterThanOrEqual(1);
      return res.body;
    });
    expect(live.oldestQueuedAt).toEqual(expect.any(String));
    expect(live.agents.find((a: { id: string }) => a.id === agent.agent.id)).toMatchObject({
      status: 'offline',
      load: 0,
    });

    // Ana comes online and gets it; replies, closes; the visitor rates 4.
    const ana = await connectAgent(base, agent.token);
    await ok(emit(ana.socket, 'agent:status', { status: 'online' }));
    const assigned = await eventually(() => {
      expect(ana.assigned.length).toBeGreaterThan(0);
      return ana.assigned[0]!;
    });
    await ok(
      emit(ana.socket, 'message:send', { conversationId: assigned.id, clientId: 'a1', text: 'Hi, how can I help?' }),
    );
    const liveNow = (await api(base, '/api/stats/live', { token: admin })).body;
    expect(liveNow.agents.find((a: { id: string }) => a.id === agent.agent.id)).toMatchObject({
      status: 'online',
      load: 1,
    });
    await ok(emit(ana.socket, 'conversation:close', { conversationId: assigned.id }));
    await ok(emit(visitor.socket, 'conversation:rate', { conversationId: assigned.id, score: 4 }));

    const after = (await api(base, '/api/stats', { token: supervisor.token })).body;
    expect(after.conversations).toBe(before.conversations + 1);
    expect(after.closed).toBe(before.closed + 1);
    expect(after.csat.count).toBe(before.csat.count + 1);
    expect(after.csat.distribution[3]).toBe(before.csat.distribution[3] + 1);
    expect(after.csat.mean).toBeCloseTo(4);
    expect(after.firstResponse.median).toBeGreaterThan(0);
    expect(after.firstResponse.p90).toBeGreaterThanOrEqual(after.firstResponse.median);
    expect(after.handleTime.median).toBeGreaterThanOrEqual(0);
    expect(after.wait.median).toBeGreaterThan(0);
    const row = after.agents.find((a: { agentId: string }) => a.agentId === agent.agent.id);
    expect(row).toMatchObject({ name: 'Ana', conversations: 1, closed: 1, rated: 1, csatMean: 4 });
    const today = new Date().toISOString().slice(0, 10);
    expect(after.daily.find((d: { day: string }) => d.day === today)?.conversations).toBeGreaterThanOrEqual(1);
    visitor.socket.close();
    ana.socket.close();
  });
});
