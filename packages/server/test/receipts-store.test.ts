import { describe, expect, it } from 'vitest';
import { requirePostgres } from './helpers/postgres.js';
import { pgliteBackend, postgresBackend, type StoreBackend, useMigratedStore } from './helpers/store-backends.js';

/** Delivery receipts in the store: seen seqs only rise, never past the last message, and only where allowed. */
const backends: StoreBackend[] = [pgliteBackend, postgresBackend(20)];
const hasPostgres = await requirePostgres();

for (const backend of backends) {
  describe.skipIf(backend.name === 'PostgreSQL' && !hasPostgres)(`receipts on ${backend.name}`, () => {
    const fixture = useMigratedStore(backend);

    /** A conversation with `n` messages (seq 1..n). */
    const conversationWith = async (n: number) => {
      const visitor = await fixture.store.visitors.create(fixture.siteId);
      const { conversation } = await fixture.store.conversations.openOrCreate(fixture.siteId, visitor.id);
      for (let i = 0; i < n; i++)
        await fixture.store.messages.append({
          conversationId: conversation.id,
          clientId: null,
          author: 'agent',
          authorId: null,
          authorName: 'Ann',
          text: `reply ${i + 1}`,
          internal: false,
        });
      return { conversation, visitorId: visitor.id };
    };

    it('starts at 0, rises, never lowers, and is capped at the last message', async () => {
      const { conversation } = await conversationWith(3);
      expect(conversation.visitorSeenSeq).toBe(0);
      expect(conversation.visitorSeenAt).toBeNull();
      const raised = await fixture.store.conversations.markVisitorSeen(conversation.id, 2);
      expect(raised?.visitorSeenSeq).toBe(2);
      expect(raised?.visitorSeenAt).not.toBeNull();
      expect(await fixture.store.conversations.markVisitorSeen(conversation.id, 1)).toBeNull();
      expect(await fixture.store.conversations.markVisitorSeen(conversation.id, 2)).toBeNull();
      expect((await fixture.store.conversations.markVisitorSeen(conversation.id, 1_000_000))?.visitorSeenSeq).toBe(3);
      expect(await fixture.store.conversations.markVisitorSeen(conversation.id, 1_000_000)).toBeNull();
      const row = await fixture.store.conversations.byId(conversation.id);
      expect(row).toMatchObject({ visitorSeenSeq: 3, agentSeenSeq: 0, agentSeenAt: null });
      expect((await fixture.store.conversations.markAgentSeen(conversation.id, 2))?.agentSeenSeq).toBe(2);
      expect(await fixture.store.conversations.markAgentSeen(conversation.id, 1)).toBeNull();
      expect(await fixture.store.conversations.byId(conversation.id)).toMatchObject({
        visitorSeenSeq: 3,
        agentSeenSeq: 2,
      });
    });

    it('keeps the highest of 30 concurrent receipts', async () => {
      const { conversation } = await conversationWith(30);
      const seqs = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      const results = await Promise.all(
        seqs.map((seq) => fixture.store.conversations.markVisitorSeen(conversation.id, seq)),
      );
      expect((await fixture.store.conversations.byId(conversation.id))?.visitorSeenSeq).toBe(30);
      // every answer that says "rose" rose to a higher seq than the ones before it
      const rises = results.filter((r) => r !== null).map((r) => r.visitorSeenSeq);
      expect(rises.length).toBeGreaterThan(0);
      expect(rises).toContain(30);
    });

    it("changes nothing for another visitor's conversation, or a closed one, when a visitor is given", async () => {
      const { conversation, visitorId } = await conversationWith(2);
      const other = await fixture.store.visitors.create(fixture.siteId);
      expect(await fixture.store.conversations.markVisitorSeen(conversation.id, 2, { visitorId: other.id })).toBeNull();
      expect((await fixture.store.conversations.byId(conversation.id))?.visitorSeenSeq).toBe(0);
      await fixture.store.conversations.close(conversation.id);
      expect(await fixture.store.conversations.markVisitorSeen(conversation.id, 2, { visitorId })).toBeNull();
      expect((await fixture.store.conversations.byId(conversation.id))?.visitorSeenSeq).toBe(0);
      expect(await fixture.store.conversations.markVisitorSeen('no-such-conversation', 2)).toBeNull();
    });

    it('records many delivered replies in one go: only rises, capped, unknown ids ignored', async () => {
      const a = await conversationWith(3);
      const b = await conversationWith(2);
      const c = await conversationWith(4);
      await fixture.store.conversations.markVisitorSeen(c.conversation.id, 4);
      const rose = await fixture.store.conversations.markVisitorsSeen(
        new Map([
          [a.conversation.id, 2],
          [b.conversation.id, 99],
          [c.conversation.id, 3],
          ['no-such-conversation', 5],
        ]),
      );
      expect(rose.map((r) => [r.id, r.visitorSeenSeq]).sort()).toEqual(
        [
          [a.conversation.id, 2],
          [b.conversation.id, 2],
        ].sort(),
      );
      expect((await fixture.store.conversations.byId(c.conversation.id))?.visitorSeenSeq).toBe(4);
      expect(await fixture.store.conversations.markVisitorsSeen(new Map())).toEqual([]);
    });
  });
}
