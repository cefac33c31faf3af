import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/store/migrations.js';
import { createStore, type Store } from '../src/store/store.js';
import { requirePostgres } from './helpers/postgres.js';
import { pgliteBackend, postgresBackend, type StoreBackend } from './helpers/store-backends.js';

/**
 * The assignment history (conversation_assignments, migration 8) never disagrees with conversations.agent_id,
 * even when transfers, requeues and closes of the same conversations race; and migration 8 backfills the
 * last holder of the conversations that existed before it.
 */
const backends: StoreBackend[] = [pgliteBackend, postgresBackend(10)];

const hasPostgres = await requirePostgres();

/** Conversations whose open assignment (none, or whose agent) does not match the conversation itself. */
const DISAGREEING = `
select c.id from conversations c
left join conversation_assignments a on a.conversation_id = c.id and a.ended_at is null
where (c.status = 'assigned') <> (a.agent_id is not null) or (c.status = 'assigned' and a.agent_id <> c.agent_id)`;

for (const backend of backends) {
  describe.skipIf(backend.name === 'PostgreSQL' && !hasPostgres)(`assignment history on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let siteId: string;

    beforeAll(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      await migrate(opened.db);
      store = createStore(opened.db);
      siteId = (await store.sites.create({ name: 'Test', allowedOrigins: [] })).id;
    }, 60_000);
    afterAll(async () => cleanup?.());

    const newConversation = async () => {
      const visitor = await store.visitors.create(siteId);
      return (await store.conversations.openOrCreate(siteId, visitor.id)).conversation;
    };
    const agent = (name: string) =>
      store.agents.create({
        email: `${name}${Math.random()}@example.com`,
        name,
        role: 'agent',
        passwordHash: 'x',
        maxChats: 50,
      });

    it('stays in step with the conversation when transfers, requeues and closes race', async () => {
      const [x, y] = [await agent('X'), await agent('Y')];
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const conversation = await newConversation();
        expect(await store.conversations.assignTo(conversation.id, x.id, { status: 'queued' })).toBe('ok');
        ids.push(conversation.id);
      }
      await Promise.all(
        ids.flatMap((id) => [
          store.conversations.assignTo(id, y.id, { status: 'assigned', agentId: x.id }),
          store.conversations.requeue(id, x.id),
          store.conversations.close(id),
        ]),
      );
      expect(await store.db.query(DISAGREEING)).toEqual([]);
      for (const id of ids) {
        const history = await store.conversations.assignments(id);
        expect(history[0]).toMatchObject({ agentId: x.id });
        // Closed at last, so nobody holds it; a close that found it requeued ended nothing.
        expect(history.map((h) => h.endedBy)).not.toContain(null);
        expect(['closed', 'requeued']).toContain(history.at(-1)?.endedBy);
        // Each stretch starts when the one before it ended (a transfer) or later (a requeue, then routing).
        for (let i = 1; i < history.length; i++)
          expect(Date.parse(history[i]!.assignedAt)).toBeGreaterThanOrEqual(Date.parse(history[i - 1]!.endedAt!));
      }
    });

    it('migration 8 backfills the last holder of earlier conversations (best effort)', async () => {
      const holder = await agent('H');
      const open = await newConversation();
      const closed = await newConversation();
      const queued = await newConversation();
      // The schema before migration 8, with one open and one closed conversation that had an agent.
      await store.db.query('drop table conversation_assignments');
      await store.db.query('delete from schema_migrations where version = 8');
      await store.db.query('delete from conversations where not (id = any($1))', [[open.id, closed.id, queued.id]]);
      for (const id of [open.id, closed.id])
        await store.db.query("update conversations set status = 'assigned', agent_id = $2 where id = $1", [
          id,
          holder.id,
        ]);
      await store.messages.append({
        conversationId: open.id,
        clientId: null,
        author: 'system',
        authorId: null,
        authorName: null,
        text: 'H joined the conversation',
        internal: false,
      });
      await store.db.query("update conversations set status = 'closed', closed_at = now() where id = $1", [closed.id]);

      expect(await migrate(store.db)).toBe(1);
      const joined = (await store.messages.list(open.id, { includeInternal: true }))[0]!;
      expect(await store.conversations.assignments(open.id)).toEqual([
        { agentId: holder.id, assignedAt: joined.createdAt, endedAt: null, endedBy: null },
      ]);
      const closedNow = (await store.conversations.byId(closed.id))!;
      expect(await store.conversations.assignments(closed.id)).toMatchObject([
        { agentId: holder.id, endedAt: closedNow.closedAt, endedBy: 'closed' },
      ]);
      expect(await store.conversations.assignments(queued.id)).toEqual([]);
      expect(await store.db.query(DISAGREEING)).toEqual([]);
    });
  });
}
