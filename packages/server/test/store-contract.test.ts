import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/store/migrations.js';
import { openPgliteDatabase } from '../src/store/pglite-database.js';
import { openPostgresDatabase } from '../src/store/postgres-database.js';
import type { SqlDatabase } from '../src/store/sql.js';
import { type Store, storeOn } from '../src/store/store.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';

/** One store suite, run on the embedded PGlite and on a real PostgreSQL. */
type Backend = { name: string; open(): Promise<{ db: SqlDatabase; cleanup(): Promise<void> }> };

const backends: Backend[] = [
  {
    name: 'PGlite',
    async open() {
      const db = await openPgliteDatabase('memory://');
      return { db, cleanup: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const database = await createTestDatabase();
      const db = await openPostgresDatabase(database.url, 20);
      return {
        db,
        async cleanup() {
          await db.close();
          await database.drop();
        },
      };
    },
  },
];

const hasPostgres = await requirePostgres();

for (const backend of backends) {
  describe.skipIf(backend.name === 'PostgreSQL' && !hasPostgres)(`store on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let siteId: string;

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      expect(await migrate(opened.db)).toBeGreaterThan(0);
      store = storeOn(opened.db);
      siteId = (await store.sites.create({ name: 'Test', allowedOrigins: [] })).id;
    }, 60_000);
    afterAll(async () => cleanup?.());

    const newConversation = async () => {
      const visitor = await store.visitors.create(siteId);
      return (await store.conversations.openOrCreate(siteId, visitor.id)).conversation;
    };
    const agent = async (maxChats: number) =>
      store.agents.create({
        email: `a${Math.random()}@example.com`,
        name: 'A',
        role: 'agent',
        passwordHash: 'x',
        maxChats,
      });
    const visitorMessage = (conversationId: string, clientId: string | null, text = 'hi') => ({
      conversationId,
      clientId,
      author: 'visitor' as const,
      authorId: null,
      authorName: null,
      text,
      internal: false,
    });

    it('migrations are idempotent', async () => {
      expect(await migrate(store.db)).toBe(0);
    });

    it('gives concurrent appends a gap-free seq 1..n', async () => {
      const conv = await newConversation();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.messages.append(visitorMessage(conv.id, `c${i}`))),
      );
      expect(results.map((r) => r!.message.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect((await store.conversations.byId(conv.id))!.lastSeq).toBe(40);
    });

    it('stores a repeated clientId once, even when the repeats race', async () => {
      const conv = await newConversation();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.messages.append(visitorMessage(conv.id, 'dup', 'only once'))),
      );
      expect(new Set(results.map((r) => r!.message.id)).size).toBe(1);
      expect(results.filter((r) => r!.created)).toHaveLength(1);
      expect(await store.messages.list(conv.id, { includeInternal: true })).toHaveLength(1);
    });

    it('keeps one open conversation per visitor when two tabs open it at once', async () => {
      const visitor = await store.visitors.create(siteId);
      const opened = await Promise.all(
        Array.from({ length: 5 }, () => store.conversations.openOrCreate(siteId, visitor.id)),
      );
      expect(new Set(opened.map((o) => o.conversation.id)).size).toBe(1);
      expect(opened.filter((o) => o.created)).toHaveLength(1);
    });

    it('filters internal notes out of the visitor view', async () => {
      const conv = await newConversation();
      await store.messages.append(visitorMessage(conv.id, 'v1'));
      await store.messages.append({ ...visitorMessage(conv.id, 'n1', 'note'), author: 'agent', internal: true });
      expect((await store.messages.list(conv.id, { includeInternal: false })).map((m) => m.text)).toEqual(['hi']);
      expect(await store.messages.list(conv.id, { includeInternal: true })).toHaveLength(2);
    });

    it('assigns atomically under concurrent routers: never twice, never over capacity', async () => {
      // Leave no queued conversation from earlier tests in the way.
      for (const c of await store.conversations.list({ statuses: ['queued'], limit: 1000 }))
        await store.conversations.close(c.id);
      const agents = [await agent(2), await agent(3)];
      const convs = [];
      for (let i = 0; i < 8; i++) convs.push(await newConversation());
      const candidates = agents.map((a) => ({ agentId: a.id, idleSince: 0 }));
      const results = await Promise.all(Array.from({ length: 16 }, () => store.conversations.assignNext(candidates)));
      const made = results.filter((r) => r !== null);
      expect(made).toHaveLength(5);
      expect(new Set(made.map((r) => r!.conversationId)).size).toBe(5);
      const loads = await store.agents.loads(agents.map((a) => a.id));
      expect(loads.get(agents[0]!.id)).toBe(2);
      expect(loads.get(agents[1]!.id)).toBe(3);
      // FIFO: the five oldest were taken.
      const assigned = new Set(made.map((r) => r!.conversationId));
      expect(convs.slice(0, 5).every((c) => assigned.has(c.id))).toBe(true);
      expect(await store.conversations.assignNext(candidates)).toBeNull();
    });

    it('prefers the agent with the most free capacity', async () => {
      for (const c of await store.conversations.list({ statuses: ['queued'], limit: 1000 }))
        await store.conversations.close(c.id);
      const small = await agent(1);
      const big = await agent(4);
      await newConversation();
      const first = await store.conversations.assignNext([
        { agentId: small.id, idleSince: 0 },
        { agentId: big.id, idleSince: 0 },
      ]);
      expect(first?.agentId).toBe(big.id);
    });
  });
}
