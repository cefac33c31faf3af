import type { Conversation, Message } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAgent,
  agentSocket,
  type Cluster,
  collect,
  createTestDatabase,
  deletePrefix,
  http,
  loginAs,
  okAck,
  REDIS_URL,
  services,
  siteKeyOf,
  startCluster,
  startNginx,
  testPrefix,
  visitorSocket,
  waitFor,
} from './helpers/cluster.js';

/**
 * deploy/nginx/parley.conf in front of two processes on loopback: a chat passes through the load
 * balancer, with the visitor on HTTP long-polling (which needs the sticky upstream) and the agent on a
 * WebSocket from another source address, so that the two land on different processes.
 */

const env = await services({ redis: true, postgres: true, nginx: true });

describe.skipIf(!env.run)('multi-process behind nginx', { timeout: 90_000 }, () => {
  const prefix = testPrefix();
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let cluster: Cluster | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env.assert();
    db = await createTestDatabase();
    cluster = await startCluster({ n: 2, databaseUrl: db.url, redisUrl: REDIS_URL, prefix });
    nginx = await startNginx(cluster.nodes.map((n) => n.port));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await nginx?.stop();
    await cluster?.stop();
    await db?.drop();
    if (env.run) await deletePrefix(REDIS_URL, prefix).catch(() => {});
  });

  const logged = (node: number, msg: string, key: string, value: string) =>
    cluster!.nodes[node]!.logs.filter((l) => l.msg === msg && l[key] === value).length;
  const nodeWhere = (msg: string, key: string, value: string, before: number[] = []) =>
    cluster!.nodes.findIndex((_, i) => logged(i, msg, key, value) > (before[i] ?? 0));

  it('passes a chat through the load balancer, across both processes', async () => {
    const lb = nginx!.url;
    expect((await http(lb, '/readyz')).status).toBe(200);
    const admin = await loginAs(lb);
    const siteKey = await siteKeyOf(lb, admin);

    const visitor = await visitorSocket(lb, siteKey, { transports: ['polling'] });
    sockets.push(visitor);
    const toVisitor = collect<Message>(visitor, 'message:new');
    const first = await okAck<{ message: Message }>(visitor, 'message:send', { clientId: 'lb-1', text: 'hello' });
    const conversationId = first.message.conversationId;
    const visitorNode =
      (await waitFor(
        'the visitor process',
        () => nodeWhere('conversation queued', 'conversationId', conversationId) + 1,
      )) - 1;
    expect(visitorNode).toBeGreaterThanOrEqual(0);

    // Find a source address that nginx hashes to the other process, and put the agent there.
    const agent = await addAgent(lb, admin, 'Lee', 5);
    const token = await loginAs(lb, agent.email, agent.password);
    let agentSock: Socket | undefined;
    let assigned: Conversation[] = [];
    let agentMessages: Message[] = [];
    for (let host = 2; host < 40 && !agentSock; host++) {
      const before = cluster!.nodes.map((_, i) => logged(i, 'agent status', 'agentId', agent.id));
      const s = await agentSocket(lb, token, { localAddress: `127.0.0.${host}` });
      const seenAssigned = collect<Conversation>(s, 'conversation:assigned');
      const seenMessages = collect<Message>(s, 'message:new');
      await okAck(s, 'agent:status', { status: 'away' });
      const node = await waitFor('the agent process', () => nodeWhere('agent status', 'agentId', agent.id, before) + 1);
      if (node - 1 !== visitorNode) {
        agentSock = s;
        assigned = seenAssigned;
        agentMessages = seenMessages;
      } else s.disconnect();
    }
    expect(agentSock, 'no source address reached the other process').toBeDefined();
    sockets.push(agentSock!);

    await okAck(agentSock!, 'agent:status', { status: 'online' });
    // A probe socket of the same agent may already have been routed the conversation (a new connection
    // starts online), so look at the stored assignment, not only at this socket's events.
    await waitFor(
      'assignment through the balancer',
      async () =>
        assigned.some((c) => c.id === conversationId) ||
        (
          (await http(lb, `/api/conversations/${conversationId}`, { token: admin })).body as {
            conversation?: Conversation;
          }
        ).conversation?.agentId === agent.id,
    );
    await okAck(agentSock!, 'conversation:join', { conversationId });
    await okAck(agentSock!, 'message:send', { conversationId, clientId: 'lb-a1', text: 'hi, how can I help?' });
    await waitFor('agent reply at the polling visitor', () => toVisitor.some((m) => m.clientId === 'lb-a1'));
    await okAck(visitor, 'message:send', { clientId: 'lb-2', text: 'thanks' });
    await waitFor('visitor reply at the agent', () => agentMessages.some((m) => m.clientId === 'lb-2'));
    expect(visitor.io.engine.transport.name).toBe('polling');
  });

  it('tells visitors behind it apart: a block takes the visitor’s own address, not the balancer’s', async () => {
    const lb = nginx!.url;
    const admin = await loginAs(lb);
    const siteKey = await siteKeyOf(lb, admin);
    const abusive = await visitorSocket(lb, siteKey, { localAddress: '127.0.0.31' });
    sockets.push(abusive);
    const sent = await okAck<{ message: Message }>(abusive, 'message:send', { clientId: 'lb-x', text: 'idiots' });
    const blocked = await http(lb, `/api/conversations/${sent.message.conversationId}/block`, {
      token: admin,
      body: { reason: 'abuse' },
    });
    expect(blocked.status).toBe(201);
    // nginx forwards the client's address (X-Forwarded-For); Parley trusts it from a loopback peer.
    expect((blocked.body as { block: { ip: string } }).block.ip).toBe('127.0.0.31');
    await expect(visitorSocket(lb, siteKey, { localAddress: '127.0.0.31' })).rejects.toMatchObject({
      data: { code: 'blocked' },
    });
    // Before, the block held nginx's address, and every visitor coming through it was refused.
    const neighbour = await visitorSocket(lb, siteKey, { localAddress: '127.0.0.32' });
    sockets.push(neighbour);
    expect(neighbour.connected).toBe(true);
  });
});
