import type { PeriodStats } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/store.js';
import {
  type AgentClient,
  api,
  connectAgent,
  connectVisitor,
  createAgent,
  defaultSiteKey,
  emit,
  login,
  ok,
  type Visitor,
} from './helpers/clients.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Dashboard credit of a transferred chat (GET /api/stats, agents[]): the first response goes to the agent
 * who wrote it, handle time is per assignment, CSAT goes to every agent who replied (to the agent who held
 * the conversation at close when nobody replied). The assignment history behind it is checked in the store.
 * The stats SQL is the same text on both backends, so it runs on both.
 */
type AgentRow = PeriodStats['agents'][number];

const hasPostgres = await requirePostgres();

const backends = [
  { name: 'PGlite', database: async () => ({ env: {}, url: undefined, drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    database: async () => {
      const db = await createTestDatabase();
      return { env: { DATABASE_URL: db.url }, url: db.url, drop: db.drop };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.name === 'PostgreSQL' && !hasPostgres)(`dashboard credit on ${backend.name}`, () => {
    let server: RunningServer;
    let database: Awaited<ReturnType<(typeof backends)[number]['database']>>;
    let store: Store | undefined;
    const sockets: { socket: { close(): void } }[] = [];

    beforeAll(async () => {
      database = await backend.database();
      server = await startServer({ env: database.env });
    });
    afterAll(async () => {
      for (const s of sockets) s.socket.close();
      await store?.db.close();
      await server?.stop();
      if (server) removeDir(server.dataDir);
      await database?.drop();
    });

    /** An agent connection set to away, so the router never hands it a chat: every assignment is explicit. */
    async function awayAgent(token: string): Promise<AgentClient> {
      const client = await connectAgent(server.url, token);
      sockets.push(client);
      await ok(emit(client.socket, 'agent:status', { status: 'away' }));
      return client;
    }

    async function visitorSays(siteKey: string, text: string): Promise<{ visitor: Visitor; conversationId: string }> {
      const visitor = await connectVisitor(server.url, siteKey);
      sockets.push(visitor);
      const { message } = await ok(
        emit<{ message: { conversationId: string } }>(visitor.socket, 'message:send', { clientId: 'v1', text }),
      );
      return { visitor, conversationId: message.conversationId };
    }

    it('credits the first response to who wrote it, handle time per assignment, CSAT to who replied', async () => {
      const base = server.url;
      const admin = await login(base);
      const siteKey = await defaultSiteKey(base, admin);
      const ana = await createAgent(base, admin, { name: 'Ana' });
      const ben = await createAgent(base, admin, { name: 'Ben' });
      const anaSocket = await awayAgent(ana.token);
      const benSocket = await awayAgent(ben.token);

      // Chat 1: Ana accepts and answers, transfers to Ben; Ben replies and closes; the visitor rates 5.
      const one = await visitorSays(siteKey, 'My order is late');
      await ok(emit(anaSocket.socket, 'conversation:accept', { conversationId: one.conversationId }));
      await ok(
        emit(anaSocket.socket, 'message:send', { conversationId: one.conversationId, clientId: 'a1', text: 'Hi!' }),
      );
      await ok(
        emit(anaSocket.socket, 'conversation:transfer', {
          conversationId: one.conversationId,
          toAgentId: ben.agent.id,
        }),
      );
      await ok(
        emit(benSocket.socket, 'message:send', { conversationId: one.conversationId, clientId: 'b1', text: 'On it.' }),
      );
      await ok(emit(benSocket.socket, 'conversation:close', { conversationId: one.conversationId }));
      await ok(emit(one.visitor.socket, 'conversation:rate', { conversationId: one.conversationId, score: 5 }));

      // Chat 2: Ben accepts and closes without a word; the visitor rates 2 (nobody replied: the closer's).
      const two = await visitorSays(siteKey, 'Anyone?');
      await ok(emit(benSocket.socket, 'conversation:accept', { conversationId: two.conversationId }));
      await ok(emit(benSocket.socket, 'conversation:close', { conversationId: two.conversationId }));
      await ok(emit(two.visitor.socket, 'conversation:rate', { conversationId: two.conversationId, score: 2 }));

      const stats = await api(base, '/api/stats', { token: admin });
      expect(stats.status).toBe(200);
      const rowOf = (id: string) => (stats.body.agents as AgentRow[]).find((a) => a.agentId === id);
      const anaRow = rowOf(ana.agent.id);
      const benRow = rowOf(ben.agent.id);

      // The totals are per conversation (one first response), per assignment (three stretches of handling).
      expect(stats.body).toMatchObject({ conversations: 2, closed: 2 });
      expect(stats.body.firstResponse.count).toBe(1);
      expect(stats.body.handleTime.count).toBe(3);
      expect(stats.body.csat).toMatchObject({ count: 2, mean: 3.5, distribution: [0, 1, 0, 0, 1] });

      // Ana answered first: hers is the first response, though Ben held the chat at close.
      expect(anaRow).toMatchObject({ name: 'Ana', conversations: 1, closed: 0, rated: 1, csatMean: 5 });
      expect(anaRow?.firstResponseMedian).toBe(stats.body.firstResponse.median);
      expect(anaRow?.firstResponseMedian).toBeGreaterThan(0);
      // Ben replied in chat 1 (its 5 is his too) and closed chat 2 that nobody answered (its 2 is his).
      expect(benRow).toMatchObject({ name: 'Ben', conversations: 2, closed: 2, rated: 2, csatMean: 3.5 });
      expect(benRow?.firstResponseMedian).toBeNull();

      // The history: Ana, then Ben from the instant Ana's assignment ended; Ben alone in chat 2.
      await server.stop();
      store = await openStore({ databaseUrl: database.url, dataDir: server.dataDir });
      const history = await store.conversations.assignments(one.conversationId);
      expect(history).toMatchObject([
        { agentId: ana.agent.id, endedBy: 'transferred' },
        { agentId: ben.agent.id, endedBy: 'closed' },
      ]);
      const [anaHeld, benHeld] = history as [(typeof history)[0], (typeof history)[0]];
      expect(anaHeld.endedAt).toBe(benHeld.assignedAt);
      expect(Date.parse(anaHeld.assignedAt)).toBeLessThan(Date.parse(benHeld.assignedAt));
      expect(Date.parse(benHeld.assignedAt)).toBeLessThan(Date.parse(benHeld.endedAt!));
      expect(await store.conversations.assignments(two.conversationId)).toMatchObject([
        { agentId: ben.agent.id, endedBy: 'closed' },
      ]);

      // Ana's handle time is her own stretch only, not the chat from her accept to Ben's close.
      const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
      expect(anaRow?.handleTimeMedian).toBeCloseTo(seconds(anaHeld.assignedAt, anaHeld.endedAt!), 2);
      expect(anaRow?.handleTimeMedian).toBeLessThan(seconds(anaHeld.assignedAt, benHeld.endedAt!));
    });
  });
}
