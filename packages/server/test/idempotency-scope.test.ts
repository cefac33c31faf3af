import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendResult, NewMessage } from '../src/store/messages-repo.js';
import { migrate } from '../src/store/migrations.js';
import { createStore, type Store } from '../src/store/store.js';
import {
  connectAgent,
  connectVisitor,
  createAgent,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
} from './helpers/clients.js';
import { requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';
import { pgliteBackend, postgresBackend } from './helpers/store-backends.js';

/**
 * A clientId is the idempotency key of its sender (author kind + author id), never of whoever used it
 * first: an agent's internal note must not be handed to a visitor who happens to send the same clientId,
 * and an agent's reply reusing a visitor's clientId must be stored. A repeat by the same sender still
 * stores nothing new.
 */

const hasPostgres = await requirePostgres();
const backends = [pgliteBackend, ...(hasPostgres ? [postgresBackend(10)] : [])];

describe.each(backends)('clientId scoped to its sender: store on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let siteId: string;
  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrate(opened.db);
    store = createStore(opened.db);
    siteId = (await store.sites.create({ name: 'Scope', allowedOrigins: [] })).id;
  }, 60_000);
  afterAll(async () => cleanup?.());

  const setup = async () => {
    const visitor = await store.visitors.create(siteId);
    const { conversation } = await store.conversations.openOrCreate(siteId, visitor.id);
    const agent = await store.agents.create({
      email: `scope-${Math.random()}@example.com`,
      name: 'Agent',
      role: 'agent',
      passwordHash: 'x',
      maxChats: 5,
    });
    const fromVisitor = (clientId: string, text: string): NewMessage => ({
      conversationId: conversation.id,
      clientId,
      author: 'visitor',
      authorId: visitor.id,
      authorName: null,
      text,
      internal: false,
      requireOpen: true,
      visitorId: visitor.id,
    });
    const fromAgent = (clientId: string, text: string, internal: boolean): NewMessage => ({
      conversationId: conversation.id,
      clientId,
      author: 'agent',
      authorId: agent.id,
      authorName: 'Agent',
      text,
      internal,
    });
    return { conversationId: conversation.id, fromVisitor, fromAgent };
  };

  for (const mode of ['one statement per message', 'one batch'] as const) {
    it(`keeps senders apart and still dedups one sender's repeat (${mode})`, async () => {
      const { conversationId, fromVisitor, fromAgent } = await setup();
      const append =
        mode === 'one batch'
          ? (m: NewMessage) => store.messages.append(m)
          : (m: NewMessage) => store.messages.appendUnbatched(m);
      const note = await append(fromAgent('shared-x', 'internal: check the invoice', true));
      const first = await append(fromVisitor('shared-y', 'hello'));
      // Sent together: in batch mode these share one statement (different senders never collide).
      const statements = store.messages.batchStats.statements;
      const [visitorX, agentY, visitorXAgain, agentYAgain] = await Promise.all([
        append(fromVisitor('shared-x', 'my own words')),
        append(fromAgent('shared-y', 'hi, how can I help?', false)),
        append(fromVisitor('shared-x', 'my own words')),
        append(fromAgent('shared-y', 'hi, how can I help?', false)),
      ]);
      if (mode === 'one batch') expect(store.messages.batchStats.statements - statements).toBe(2);
      // Each pair is one sender repeating itself: one of the two stored it, both got the same message.
      const once = (a: AppendResult | null, b: AppendResult | null) => {
        expect([a!.created, b!.created].sort()).toEqual([false, true]);
        expect(a!.message.id).toBe(b!.message.id);
        return a!.message;
      };
      const mine = once(visitorX, visitorXAgain);
      expect(mine).toMatchObject({ author: 'visitor', text: 'my own words' });
      expect(mine.id).not.toBe(note!.message.id);
      const reply = once(agentY, agentYAgain);
      expect(reply).toMatchObject({ author: 'agent', text: 'hi, how can I help?' });
      expect(reply.id).not.toBe(first!.message.id);
      const stored = await store.messages.list(conversationId, { includeInternal: true });
      // Two racing statements may take seqs 3 and 4 in either order; what matters is one row per sender.
      expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(stored.map((m) => `${m.author} ${m.clientId}`).sort()).toEqual([
        'agent shared-x',
        'agent shared-y',
        'visitor shared-x',
        'visitor shared-y',
      ]);
    });
  }

  it('lets the unique index (migration 6) hold one row per sender and clientId', async () => {
    const { fromVisitor, fromAgent } = await setup();
    const v = await store.messages.appendUnbatched(fromVisitor('idx', 'a'));
    const a = await store.messages.appendUnbatched(fromAgent('idx', 'b', true));
    const insert = (id: string, m: NewMessage) =>
      store.db.query(
        `insert into messages (id, conversation_id, seq, client_id, author, author_id, text) values ($1, $2, 99, $3, $4, $5, 'x')`,
        [id, m.conversationId, m.clientId, m.author, m.authorId],
      );
    // A second row for the same sender and clientId is refused by the index itself (racing processes).
    await expect(insert('dup-v', fromVisitor('idx', 'a'))).rejects.toMatchObject({ code: '23505' });
    expect(v!.created && a!.created).toBe(true);
  });
});

describe('clientId scoped to its sender: over the wire', () => {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it("never answers a visitor with an agent's note, and delivers an agent reply reusing a visitor's clientId", async () => {
    const base = server!.url;
    const admin = await login(base);
    const siteKey = await defaultSiteKey(base, admin);
    const { token } = await createAgent(base, admin, { maxChats: 3 });
    const agent = await connectAgent(base, token);
    await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
    const visitor = await connectVisitor(base, siteKey);
    const opened = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'v-1', text: 'hi' }),
    );
    const conversationId = opened.message.conversationId;
    await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(conversationId));

    const note = await ok(
      emit<{ message: Message }>(agent.socket, 'message:send', {
        conversationId,
        clientId: 'same-key',
        text: 'internal: refund already issued',
        internal: true,
      }),
    );
    const sent = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'same-key', text: 'my own words' }),
    );
    expect(sent.message).toMatchObject({ author: 'visitor', text: 'my own words', internal: false });
    expect(sent.message.id).not.toBe(note.message.id);

    const reply = await ok(
      emit<{ message: Message }>(agent.socket, 'message:send', { conversationId, clientId: 'v-1', text: 'hello!' }),
    );
    expect(reply.message).toMatchObject({ author: 'agent', text: 'hello!' });
    await eventually(() => expect(visitor.messages.map((m) => m.id)).toContain(reply.message.id));

    // A repeat by the same sender is still the same message, and stores nothing.
    const again = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'same-key', text: 'my own words' }),
    );
    expect(again.message.id).toBe(sent.message.id);
    const synced = await ok(emit<{ messages: Message[] }>(visitor.socket, 'messages:sync', { after: 0 }));
    expect(synced.messages.map((m) => m.text)).not.toContain('internal: refund already issued');
    expect(synced.messages.filter((m) => m.clientId === 'same-key')).toHaveLength(1);
    visitor.socket.disconnect();
    agent.socket.disconnect();
  });
});
