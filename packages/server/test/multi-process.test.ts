import type { Conversation, Message } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addAgent,
  agentLoads,
  agentSocket,
  type Cluster,
  collect,
  createTestDatabase,
  deletePrefix,
  loginAs,
  okAck,
  REDIS_URL,
  services,
  siteKeyOf,
  startCluster,
  testPrefix,
  visitorSocket,
  waitFor,
} from './helpers/cluster.js';

/**
 * Several real server processes sharing one Redis and one fresh PostgreSQL database: chats across
 * processes, an assignment race, and a crashed process.
 */

const env = await services({ redis: true, postgres: true });
const GRACE_MS = 3000;

describe.skipIf(!env.run)('multi-process (Redis + PostgreSQL)', { timeout: 90_000 }, () => {
  const sockets: Socket[] = [];
  const track = <T extends Socket>(s: T) => {
    sockets.push(s);
    return s;
  };
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let cluster: Cluster | undefined;
  const prefix = testPrefix();

  beforeAll(async () => {
    env.assert();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    // No process logged an error (a failed routing pass, a deadlock, an adapter failure…).
    const errors = (cluster?.nodes ?? []).flatMap((n) => n.logs.filter((l) => Number(l.level) >= 50));
    await cluster?.stop();
    cluster = undefined;
    await db?.drop();
    db = undefined;
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    if (env.run) await deletePrefix(REDIS_URL, prefix).catch(() => {});
  });

  const boot = async (n: number) => {
    db = await createTestDatabase();
    cluster = await startCluster({
      n,
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      prefix: testPrefix(),
      graceMs: GRACE_MS,
    });
    const urls = cluster.nodes.map((node) => node.url);
    const admin = await loginAs(urls[0]!);
    const siteKey = await siteKeyOf(urls[0]!, admin);
    return { urls, admin, siteKey, cluster };
  };

  const onlineAgent = async (url: string, admin: string, name: string, maxChats: number) => {
    const agent = await addAgent(url, admin, name, maxChats);
    const token = await loginAs(url, agent.email, agent.password);
    const socket = track(await agentSocket(url, token));
    const assigned = collect<Conversation>(socket, 'conversation:assigned');
    const messages = collect<Message>(socket, 'message:new');
    await okAck(socket, 'agent:status', { status: 'online' });
    return { ...agent, token, socket, assigned, messages };
  };

  it('lets visitors and agents on different processes chat both ways', async () => {
    const { urls, admin, siteKey } = await boot(3);
    const agent = await onlineAgent(urls[1]!, admin, 'Bea', 5);
    const visitor = track(await visitorSocket(urls[0]!, siteKey));
    const toVisitor = collect<Message>(visitor, 'message:new');

    const sent = await okAck<{ message: Message }>(visitor, 'message:send', { clientId: 'v-1', text: 'Hello from A' });
    const conversationId = sent.message.conversationId;
    await waitFor('assignment on the agent process', () => agent.assigned.some((c) => c.id === conversationId));
    await waitFor('the visitor message at the agent', () => agent.messages.some((m) => m.clientId === 'v-1'));

    // The agent replies from process 1 through a third process's socket as well.
    const third = track(await agentSocket(urls[2]!, agent.token));
    await okAck(third, 'conversation:join', { conversationId });
    await okAck(agent.socket, 'message:send', { conversationId, clientId: 'a-1', text: 'Hi from B' });
    await okAck(third, 'message:send', { conversationId, clientId: 'a-2', text: 'and from C' });
    await waitFor('both replies at the visitor', () =>
      ['a-1', 'a-2'].every((id) => toVisitor.some((m) => m.clientId === id)),
    );
    const loads = await agentLoads(urls[2]!, admin);
    expect(loads.find((a) => a.id === agent.id)).toMatchObject({ status: 'online', load: 1 });
  });

  it('assigns 100 simultaneous conversations across processes exactly once, balanced, within maxChats', async () => {
    const { urls, admin, siteKey } = await boot(3);
    const MAX = 30;
    const agents = await Promise.all(
      ['Ada', 'Ben', 'Cyd', 'Dee'].map((name, i) => onlineAgent(urls[i % urls.length]!, admin, name, MAX)),
    );
    const visitors = await Promise.all(
      Array.from({ length: 100 }, (_, i) => visitorSocket(urls[i % urls.length]!, siteKey).then(track)),
    );
    const acks = await Promise.all(
      visitors.map((v, i) =>
        okAck<{ message: Message }>(v, 'message:send', { clientId: `race-${i}`, text: `visitor ${i} needs help` }),
      ),
    );
    const conversationIds = new Set(acks.map((a) => a.message.conversationId));
    expect(conversationIds.size).toBe(100);

    const allAssigned = () => agents.flatMap((a) => a.assigned.map((c) => ({ agent: a.id, conversation: c.id })));
    await waitFor('100 assignments', () => allAssigned().length >= 100, 60_000);
    await new Promise((r) => setTimeout(r, 500)); // any double assignment would show up by now

    const events = allAssigned();
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.conversation))).toEqual(conversationIds);
    const perAgent = agents.map((a) => a.assigned.length);
    expect(Math.max(...perAgent) - Math.min(...perAgent)).toBeLessThanOrEqual(1);
    for (const n of perAgent) expect(n).toBeLessThanOrEqual(MAX);

    for (const url of urls) {
      const loads = (await agentLoads(url, admin)).filter((a) => agents.some((x) => x.id === a.id));
      expect(loads.reduce((sum, a) => sum + a.load, 0)).toBe(100);
      const values = loads.map((a) => a.load);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      for (const a of loads) expect(a.load).toBe(agents.find((x) => x.id === a.id)!.assigned.length);
    }
  });

  it("requeues a killed process's conversations after the grace period and gives them to remaining agents", async () => {
    const { urls, admin, siteKey, cluster: c } = await boot(3);
    const doomed = await onlineAgent(urls[2]!, admin, 'Doomed', 5);
    const visitors = await Promise.all([0, 1, 2].map((i) => visitorSocket(urls[i % 2]!, siteKey).then(track)));
    const ids = await Promise.all(
      visitors.map(async (v, i) => {
        const res = await okAck<{ message: Message }>(v, 'message:send', { clientId: `k-${i}`, text: 'help' });
        return res.message.conversationId;
      }),
    );
    await waitFor('assignment to the doomed agent', () => ids.every((id) => doomed.assigned.some((x) => x.id === id)));
    const survivor = await onlineAgent(urls[1]!, admin, 'Survivor', 5);

    const killedAt = Date.now();
    c.nodes[2]!.proc.kill('SIGKILL');
    await c.nodes[2]!.exited;

    await waitFor(
      'requeue and reassignment to the survivor',
      () => ids.every((id) => survivor.assigned.some((x) => x.id === id)),
      45_000,
      100,
    );
    // Not before the grace period: the presence TTL (3 heartbeats) plus the grace itself.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(GRACE_MS);
    const loads = await agentLoads(urls[0]!, admin);
    expect(loads.find((a) => a.id === survivor.id)).toMatchObject({ load: 3 });
    expect(loads.find((a) => a.id === doomed.id)).toMatchObject({ load: 0, status: 'offline' });
  });
});
