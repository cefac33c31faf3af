import type { Message } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ack,
  addAgent,
  agentSocket,
  collect,
  http,
  loginAs,
  okAck,
  services,
  siteKeyOf,
  visitorSocket,
  waitFor,
} from './helpers/cluster.js';
import { useCluster } from './helpers/fixtures.js';
import { ADMIN } from './helpers/server.js';

/**
 * A Redis outage seen from the outside: a private redis-server is killed while an agent and a visitor
 * are connected, and started again. Meanwhile every request answers 200 or 503 (never 500), a visitor
 * keeps chatting (rate limits fall back to in-process counters), and the log says once that Redis is
 * down and once that it is back, with no error-level line at all.
 */

const env = await services({ redis: true, postgres: true });

const DOWN = 'redis unreachable';
const BACK = 'redis reachable again';

describe.skipIf(!env.run)('Redis outage: degrade, do not fail', { timeout: 120_000 }, () => {
  const own = useCluster(1, { assert: env.assert, ownRedis: true });
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const s of sockets) s.disconnect();
  });

  it('answers 200 or 503 (never 500), keeps visitors chatting, and logs the outage once', async () => {
    const node = own.cluster!.nodes[0]!;
    const base = node.url;
    const admin = await loginAs(base);
    const siteKey = await siteKeyOf(base, admin);
    const agent = await addAgent(base, admin, 'Outage Olga', 5);
    const agentToken = await loginAs(base, agent.email, agent.password);
    const agentSock = await agentSocket(base, agentToken);
    sockets.push(agentSock);
    const atAgent = collect<Message>(agentSock, 'message:new');
    const assigned = collect<{ id: string }>(agentSock, 'conversation:assigned');
    await okAck(agentSock, 'agent:status', { status: 'online' });
    const visitor = await visitorSocket(base, siteKey);
    sockets.push(visitor);
    const before = await okAck<{ message: Message }>(visitor, 'message:send', { clientId: 'o-1', text: 'before' });
    await waitFor('the conversation routed', () => assigned.some((c) => c.id === before.message.conversationId));

    await own.redis!.stop();
    await waitFor('readyz 503 while Redis is down', async () => (await http(base, '/readyz')).status === 503);

    // Login works on the in-process throttle counters; a wrong password is still refused.
    expect((await http(base, '/api/auth/login', { body: ADMIN })).status).toBe(200);
    const wrong = await http(base, '/api/auth/login', { body: { email: ADMIN.email, password: 'not-it-at-all' } });
    expect(wrong.status).toBe(401);
    // Reads that only show presence answer from what this process knows.
    const config = await http(base, `/api/widget/config?siteKey=${siteKey}`);
    expect(config.status).toBe(200);
    expect(config.body.agentsOnline).toBe(true);
    const agents = await http(base, '/api/agents', { token: admin });
    expect(agents.status).toBe(200);
    expect((agents.body.agents as { id: string; status: string }[]).find((a) => a.id === agent.id)?.status).toBe(
      'online',
    );
    expect((await http(base, '/api/stats/live', { token: admin })).status).toBe(200);

    // The visitor keeps chatting, the agent hears it on this process; a new visitor is even routed.
    const during = await ack<{ ok: boolean; message?: Message; error?: unknown }>(visitor, 'message:send', {
      clientId: 'o-2',
      text: 'during',
    });
    expect(during).toMatchObject({ ok: true, message: { clientId: 'o-2' } });
    await waitFor('the message at the agent', () => atAgent.some((m) => m.clientId === 'o-2'));
    const newcomer = await visitorSocket(base, siteKey);
    sockets.push(newcomer);
    const first = await ack<{ ok: boolean; message?: Message }>(newcomer, 'message:send', {
      clientId: 'n-1',
      text: 'hello?',
    });
    expect(first.ok).toBe(true);
    await waitFor('the newcomer routed', () => assigned.some((c) => c.id === first.message?.conversationId));

    await own.redis!.start();
    await waitFor('readyz 200 again', async () => (await http(base, '/readyz')).status === 200);
    await waitFor('the back line', () => node.logs.some((l) => l.msg === BACK));
    const after = await okAck<{ message: Message }>(visitor, 'message:send', { clientId: 'o-3', text: 'after' });
    expect(after.message.seq).toBeGreaterThan(before.message.seq);

    const errors = node.logs.filter((l) => Number(l.level) >= 50);
    expect(errors).toEqual([]);
    expect(node.logs.filter((l) => l.msg === DOWN)).toHaveLength(1);
    expect(node.logs.filter((l) => l.msg === BACK)).toHaveLength(1);
  });
});
