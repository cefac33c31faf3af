import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentClient,
  api,
  connectAgent,
  connectVisitor,
  createAgent,
  emit,
  eventually,
  login,
  ok,
  type Visitor,
} from './helpers/clients.js';
import { services } from './helpers/cluster.js';
import { useCluster } from './helpers/fixtures.js';
import { magicLinks } from './helpers/magic-links.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Delivery receipts (`messages:seen`, and a reply delivered to a connected widget) and magic-link resume
 * (handshake `resume`, `GET /r/:token`), on a real server over real sockets. PostgreSQL, so the test reads
 * the server's link secret the way the server keeps it.
 */

const hasPostgres = await requirePostgres();

describe.skipIf(!hasPostgres)('delivery receipts and magic links', () => {
  let server: RunningServer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: string;
  let site: { id: string; key: string };
  let agent: AgentClient;
  let bystander: AgentClient;
  let links: Awaited<ReturnType<typeof magicLinks>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ env: { DATABASE_URL: db.url } });
    admin = await login(server.url);
    site = (await api(server.url, '/api/sites', { token: admin })).body.sites[0];
    agent = await connectAgent(server.url, (await createAgent(server.url, admin, { maxChats: 50 })).token);
    await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
    // another agent, connected but not taking chats: not this conversation's agent
    bystander = await connectAgent(server.url, (await createAgent(server.url, admin)).token);
    links = await magicLinks(db.url);
  });
  afterAll(async () => {
    agent?.socket.close();
    bystander?.socket.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
    await db?.drop();
  });

  const conversation = async (id: string): Promise<Conversation> =>
    (await api(server.url, `/api/conversations/${id}`, { token: admin })).body.conversation;
  const reply = (conversationId: string, text: string) =>
    ok(
      emit<{ message: Message }>(agent.socket, 'message:send', { conversationId, clientId: crypto.randomUUID(), text }),
    );
  const seenUpdates = (client: AgentClient, id: string) =>
    client.updates.filter((c) => c.id === id && (c.visitorSeenSeq ?? 0) > 0).map((c) => c.visitorSeenSeq);

  /** A visitor whose conversation the online agent has taken. */
  async function chatting(): Promise<{ visitor: Visitor; id: string }> {
    const visitor = await connectVisitor(server.url, site.key);
    const { message } = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: crypto.randomUUID(), text: 'hello' }),
    );
    const id = message.conversationId;
    await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(id));
    await ok(emit(agent.socket, 'conversation:join', { conversationId: id })); // the console opens it
    return { visitor, id };
  }

  it("records the widget's messages:seen: rises, is capped at the last message, never lowers", async () => {
    const { visitor, id } = await chatting();
    visitor.socket.close(); // replies now reach no widget: nobody has seen them
    await reply(id, 'first answer');
    const { message: last } = await reply(id, 'second answer');
    const back = await connectVisitor(server.url, site.key, { visitorToken: visitor.session.visitorToken });

    await ok(emit(back.socket, 'messages:seen', { seq: last.seq - 1 }));
    // the first rise the agents hear of is the widget's own: the replies were not counted as delivered
    await eventually(() => expect(seenUpdates(agent, id)).toEqual([last.seq - 1]));
    await ok(emit(back.socket, 'messages:seen', { seq: 1 })); // lower: nothing changes, nobody is told
    await ok(emit(back.socket, 'messages:seen', { seq: 10_000 })); // past the end: capped
    await eventually(() => expect(seenUpdates(agent, id)).toEqual([last.seq - 1, last.seq]));
    const after = await conversation(id);
    expect(after.visitorSeenSeq).toBe(last.seq);
    expect(after.visitorSeenAt).toEqual(expect.any(String));
    // the console that has it open hears of it; an agent who does not follow it does not
    expect(seenUpdates(bystander, id)).toEqual([]);
    back.socket.close();
  });

  it('refuses bad receipts and changes nothing', async () => {
    const { visitor, id } = await chatting();
    const before = await conversation(id);
    const negative = await emit(visitor.socket, 'messages:seen', { seq: -1 });
    expect(negative).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await emit(visitor.socket, 'messages:seen', { seq: 'all' })).toMatchObject({ ok: false });
    // a visitor without an open conversation marks nobody's
    const stranger = await connectVisitor(server.url, site.key);
    expect(await emit(stranger.socket, 'messages:seen', { seq: 1 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // an agent who is not the conversation's own cannot mark it seen
    expect(await emit(bystander.socket, 'messages:seen', { conversationId: id, seq: 1 })).toMatchObject({
      ok: false,
      error: { code: 'not_assigned' },
    });
    expect(await emit(agent.socket, 'messages:seen', { conversationId: id, seq: -3 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    const after = await conversation(id);
    expect(after).toMatchObject({ visitorSeenSeq: before.visitorSeenSeq, agentSeenSeq: 0, agentSeenAt: null });
    visitor.socket.close();
    stranger.socket.close();
  });

  it("records the agent's messages:seen for the conversation's own agent", async () => {
    const { visitor, id } = await chatting();
    await ok(emit(agent.socket, 'messages:seen', { conversationId: id, seq: 1 }));
    const after = await conversation(id);
    expect(after.agentSeenSeq).toBe(1);
    expect(after.agentSeenAt).toEqual(expect.any(String));
    visitor.socket.close();
  });

  it('keeps the highest of 30 concurrent receipts', async () => {
    const { visitor, id } = await chatting();
    visitor.socket.close();
    for (let i = 0; i < 30; i++) await reply(id, `answer ${i}`);
    const { lastSeq } = await conversation(id);
    const back = await connectVisitor(server.url, site.key, { visitorToken: visitor.session.visitorToken });
    const seqs = Array.from({ length: 30 }, (_, i) => lastSeq - i).sort(() => Math.random() - 0.5);
    await Promise.all(seqs.map((seq) => ok(emit(back.socket, 'messages:seen', { seq }))));
    expect((await conversation(id)).visitorSeenSeq).toBe(lastSeq);
    back.socket.close();
  });

  it('counts a reply delivered to a connected widget as seen, and tells the agent', async () => {
    const { visitor, id } = await chatting();
    const { message } = await reply(id, 'are you there?');
    await eventually(() => expect(visitor.messages.map((m) => m.id)).toContain(message.id));
    await eventually(async () => expect((await conversation(id)).visitorSeenSeq).toBe(message.seq));
    await eventually(() => expect(seenUpdates(agent, id)).toContain(message.seq));
    visitor.socket.close();
  });

  it('refuses an invalid email in visitor:update and keeps none', async () => {
    const { visitor, id } = await chatting();
    const res = await emit(visitor.socket, 'visitor:update', { email: 'not-an-email' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const detail = await api(server.url, `/api/conversations/${id}`, { token: admin });
    expect(detail.body.visitor.email).toBeNull();
    visitor.socket.close();
  });

  describe('magic-link resume', () => {
    const connectResume = (resume: unknown, visitorToken?: string) =>
      new Promise<Visitor>((resolve, reject) => {
        // connectVisitor with an extra handshake field
        void import('socket.io-client').then(({ io }) => {
          const socket = io(`${server.url}/visitor`, {
            auth: { siteKey: site.key, resume, ...(visitorToken ? { visitorToken } : {}) },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          const messages: Message[] = [];
          socket.on('message:new', (m: Message) => messages.push(m));
          socket.once('session', (session) => resolve({ socket, session, messages, conversations: [] }));
          socket.once('connect_error', reject);
        });
      });

    it('makes a fresh device that conversation’s visitor, with its history, and the chat goes on there', async () => {
      const { visitor, id } = await chatting();
      await reply(id, 'we shipped it yesterday');
      visitor.socket.close();
      const token = links.issue({ conversationId: id, visitorId: visitor.session.visitorId, siteId: site.id });

      const fresh = await connectResume(token);
      // the widget on the link's page says where it is: the token is not kept for agents to read
      await ok(emit(fresh.socket, 'visitor:context', { url: `${server.url}/r/${token}`, title: 'Your conversation' }));
      const seenBy = (await api(server.url, `/api/conversations/${id}`, { token: admin })).body.visitor;
      expect(seenBy.context.url).toBe(`${server.url}/r/…`);
      expect(JSON.stringify(seenBy)).not.toContain(token.split('.').pop());
      expect(fresh.session.visitorId).toBe(visitor.session.visitorId);
      expect(fresh.session.conversation?.id).toBe(id);
      expect(fresh.session.resumeRefused).toBeUndefined();
      const synced = await ok(emit<{ messages: Message[] }>(fresh.socket, 'messages:sync', { after: 0 }));
      expect(synced.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['hello', 'we shipped it yesterday']));
      const { message } = await ok(
        emit<{ message: Message }>(fresh.socket, 'message:send', { clientId: crypto.randomUUID(), text: 'thanks!' }),
      );
      expect(message.conversationId).toBe(id);
      await eventually(() => expect(agent.messages.map((m) => m.id)).toContain(message.id));
      fresh.socket.close();
      // the session's token is that visitor's: the next visit needs no link
      const later = await connectVisitor(server.url, site.key, { visitorToken: fresh.session.visitorToken });
      expect(later.session.visitorId).toBe(visitor.session.visitorId);
      later.socket.close();
    });

    it('shows a closed conversation’s history; a new message starts a new one', async () => {
      const { visitor, id } = await chatting();
      await ok(emit(visitor.socket, 'conversation:close', { conversationId: id }));
      visitor.socket.close();
      const token = links.issue({ conversationId: id, visitorId: visitor.session.visitorId, siteId: site.id });
      const fresh = await connectResume(token);
      expect(fresh.session.conversation).toMatchObject({ id, status: 'closed' });
      const synced = await ok(emit<{ messages: Message[] }>(fresh.socket, 'messages:sync', { after: 0 }));
      expect(synced.messages.map((m) => m.text)).toContain('hello');
      const { message } = await ok(
        emit<{ message: Message }>(fresh.socket, 'message:send', { clientId: crypto.randomUUID(), text: 'again' }),
      );
      expect(message.conversationId).not.toBe(id);
      fresh.socket.close();
    });

    it('a forged, altered, expired, malformed or other-site link starts a normal new session that says so', async () => {
      const { visitor, id } = await chatting();
      visitor.socket.close();
      const target = { conversationId: id, visitorId: visitor.session.visitorId, siteId: site.id };
      const genuine = links.issue(target);
      const other = await api(server.url, '/api/sites', {
        token: admin,
        body: { name: 'Other', allowedOrigins: ['https://other.example'] },
      });
      const bad = [
        `${genuine.slice(0, -4)}0000`, // altered signature
        genuine.replace(id, visitor.session.visitorId), // altered target
        links.issue(target, -1000), // expired
        links.issue({ ...target, siteId: other.body.id }), // another site's link
        'x'.repeat(5000), // malformed
        42,
      ];
      for (const resume of bad) {
        const session = await connectResume(resume);
        expect(session.session.visitorId, String(resume).slice(0, 40)).not.toBe(visitor.session.visitorId);
        expect(session.session.conversation).toBeNull();
        expect(session.session.resumeRefused).toBe(true);
        session.socket.close();
      }
      // the real visitor's conversation is as it was
      expect((await conversation(id)).status).toBe('assigned');
    });

    it("opens from the server's own origin (the link's page) for a site that does not list it", async () => {
      const shop = 'https://shop.example';
      const created = await api(server.url, '/api/sites', {
        token: admin,
        body: { name: 'Shop', allowedOrigins: [shop] },
      });
      const shopSite = { id: created.body.id as string, key: created.body.key as string };
      const visitor = await connectVisitor(server.url, shopSite.key, { origin: shop });
      const { message } = await ok(
        emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: crypto.randomUUID(), text: 'shoes?' }),
      );
      visitor.socket.close();
      const own = `http://127.0.0.1:${server.port}`;
      // nobody new may chat with this site from the server's own pages
      await expect(connectVisitor(server.url, shopSite.key, { origin: own })).rejects.toThrow('origin_not_allowed');
      const token = links.issue({
        conversationId: message.conversationId,
        visitorId: visitor.session.visitorId,
        siteId: shopSite.id,
      });
      const io = (await import('socket.io-client')).io;
      const resumed = await new Promise<Visitor>((resolve, reject) => {
        const socket = io(`${server.url}/visitor`, {
          auth: { siteKey: shopSite.key, resume: token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { origin: own },
        });
        socket.once('session', (session) => resolve({ socket, session, messages: [], conversations: [] }));
        socket.once('connect_error', reject);
      });
      expect(resumed.session.visitorId).toBe(visitor.session.visitorId);
      expect(resumed.session.conversation?.id).toBe(message.conversationId);
      resumed.socket.close();
      // its reconnections carry the visitor's token, no longer the link
      const again = await connectVisitor(server.url, shopSite.key, {
        origin: own,
        visitorToken: resumed.session.visitorToken,
      });
      expect(again.session.visitorId).toBe(visitor.session.visitorId);
      again.socket.close();
      // a foreign page gets nothing from the token or the link
      await expect(
        connectVisitor(server.url, shopSite.key, {
          origin: 'https://evil.example',
          visitorToken: again.session.visitorToken,
        }),
      ).rejects.toThrow('origin_not_allowed');
    });

    it('GET /r/:token serves a page that opens the widget on the link; a bad one says it expired', async () => {
      const { visitor, id } = await chatting();
      visitor.socket.close();
      const token = links.issue({ conversationId: id, visitorId: visitor.session.visitorId, siteId: site.id });
      const page = await fetch(`${server.url}/r/${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain(`data-site="${site.key}"`);
      expect(html).toContain(`data-resume="${token}"`);
      expect(html).toMatch(/<script src="\/widget.js"/);

      const expired = links.issue({ conversationId: id, visitorId: visitor.session.visitorId, siteId: site.id }, -1);
      for (const bad of [expired, `${token}x`, 'nonsense', '%00%ff', 'a'.repeat(3000)]) {
        const res = await fetch(`${server.url}/r/${bad}`);
        expect(res.status, bad.slice(0, 30)).toBe(410);
        const text = await res.text();
        expect(text).toContain('This link has expired');
        expect(text).not.toMatch(/at .*\.js:\d+/); // no stack
      }
    });
  });
});

const cluster = await services({ redis: true, postgres: true });
describe.skipIf(!cluster.run)('delivery receipts across two processes', () => {
  const nodes = useCluster(2, { assert: cluster.assert });

  it('a reply sent on one process to a widget connected to the other counts as seen', async () => {
    const [a, b] = nodes.urls as [string, string];
    const admin = await login(a);
    const siteKey = (await api(a, '/api/sites', { token: admin })).body.sites[0].key as string;
    const agent = await connectAgent(b, (await createAgent(b, admin)).token);
    await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
    const visitor = await connectVisitor(a, siteKey);
    const { message: first } = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'x-1', text: 'hello' }),
    );
    const id = first.conversationId;
    await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(id));
    await ok(emit(agent.socket, 'conversation:join', { conversationId: id }));
    const { message } = await ok(
      emit<{ message: Message }>(agent.socket, 'message:send', { conversationId: id, clientId: 'x-2', text: 'hi!' }),
    );
    // process b asked the adapter who is in the visitor's room: the widget on process a
    await eventually(() =>
      expect(agent.updates.filter((c) => c.id === id).map((c) => c.visitorSeenSeq)).toContain(message.seq),
    );
    visitor.socket.close();
    agent.socket.close();
  });
});
