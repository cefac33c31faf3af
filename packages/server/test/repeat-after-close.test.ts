import type { Conversation, Message, VisitorSession } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AgentClient,
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
import {
  type Cluster,
  createTestDatabase,
  deletePrefix,
  REDIS_URL,
  services,
  startCluster,
  testPrefix,
} from './helpers/cluster.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * The widget's outbox re-sends a message until it sees the acknowledgement. When that re-send arrives
 * after the conversation was closed and on a process that does not remember the visitor (restarted, or
 * another one), the ack must return the first message and NOTHING else may happen: no new conversation,
 * nothing queued, nothing routed to an agent.
 */

type Sent = { message: Message };

async function onlineAgent(base: string, admin: string): Promise<AgentClient> {
  const { token } = await createAgent(base, admin, { maxChats: 5 });
  const agent = await connectAgent(base, token);
  await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
  return agent;
}

async function conversations(base: string, admin: string): Promise<Conversation[]> {
  const res = await api(base, '/api/conversations?limit=100', { token: admin });
  expect(res.status).toBe(200);
  return res.body.conversations as Conversation[];
}

/** Sends m1, lets an agent take it, closes it; returns what a re-send must reproduce. */
async function sendAndClose(base: string, siteKey: string, agent: AgentClient) {
  const visitor = await connectVisitor(base, siteKey);
  const first = await ok(emit<Sent>(visitor.socket, 'message:send', { clientId: 'm1', text: 'where is my order?' }));
  await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(first.message.conversationId));
  await ok(emit(visitor.socket, 'conversation:close', { conversationId: first.message.conversationId }));
  visitor.socket.disconnect();
  return { session: visitor.session as VisitorSession, first: first.message };
}

async function expectNothingNew(base: string, siteKey: string, admin: string, token: string, first: Message) {
  const before = await conversations(base, admin);
  const visitor = await connectVisitor(base, siteKey, { visitorToken: token });
  // The session shows the visitor's last conversation: the closed one.
  expect(visitor.session.conversation).toMatchObject({ id: first.conversationId, status: 'closed' });
  const again = await ok(emit<Sent>(visitor.socket, 'message:send', { clientId: 'm1', text: 'where is my order?' }));
  expect(again.message).toEqual(first);
  const after = await conversations(base, admin);
  expect(after.map((c) => [c.id, c.status])).toEqual(before.map((c) => [c.id, c.status]));
  expect(after.filter((c) => c.status !== 'closed')).toEqual([]);
  const synced = await ok(emit<{ conversation: Conversation | null }>(visitor.socket, 'messages:sync', {}));
  expect(synced.conversation).toMatchObject({ id: first.conversationId, status: 'closed' });
  visitor.socket.disconnect();
}

describe('a repeated clientId after close creates nothing', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    if (servers[0]) removeDir(servers[0].dataDir);
  });

  it('after a restart (SIGTERM, same DATA_DIR)', async () => {
    const first = await startServer();
    servers.push(first);
    let admin = await login(first.url);
    const siteKey = await defaultSiteKey(first.url, admin);
    const agent = await onlineAgent(first.url, admin);
    const { session, first: m1 } = await sendAndClose(first.url, siteKey, agent);
    agent.socket.disconnect();
    expect(await first.stop('SIGTERM')).toMatchObject({ code: 0 });

    const second = await startServer({ dataDir: first.dataDir });
    servers.push(second);
    admin = await login(second.url);
    const watcher = await onlineAgent(second.url, admin); // would be handed any new conversation
    await expectNothingNew(second.url, siteKey, admin, session.visitorToken, m1);
    expect(watcher.assigned).toEqual([]);
    watcher.socket.disconnect();
  });
});

const env = await services({ redis: true, postgres: true });

describe.skipIf(!env.run)(
  'a repeated clientId after close creates nothing on another process',
  { timeout: 90_000 },
  () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let cluster: Cluster | undefined;
    const prefix = testPrefix();
    afterAll(async () => {
      await cluster?.stop();
      await db?.drop();
      if (env.run) await deletePrefix(REDIS_URL, prefix);
    });

    it('re-sent to the second of two processes sharing PostgreSQL and Redis', async () => {
      env.assert();
      db = await createTestDatabase();
      cluster = await startCluster({ n: 2, databaseUrl: db.url, redisUrl: REDIS_URL, prefix });
      const [a, b] = cluster.nodes.map((n) => n.url) as [string, string];
      const admin = await login(a);
      const siteKey = await defaultSiteKey(a, admin);
      const agent = await onlineAgent(a, admin);
      const { session, first: m1 } = await sendAndClose(a, siteKey, agent);
      const assignedBefore = agent.assigned.length;
      await expectNothingNew(b, siteKey, admin, session.visitorToken, m1);
      expect(agent.assigned).toHaveLength(assignedBefore);
      agent.socket.disconnect();
    });
  },
);
