import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
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
  sleep,
} from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

const GRACE_MS = 1500;
let server: RunningServer;
let admin: string;
let siteKey: string;

const servers: RunningServer[] = [];

/** Each test gets its own server: routing state (queue, loads) must not leak between tests. */
async function freshServer() {
  server = await startServer({ env: { PARLEY_REASSIGN_GRACE_MS: String(GRACE_MS) } });
  servers.push(server);
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
}
beforeEach(freshServer);
afterAll(async () => {
  for (const s of servers) {
    await s.stop();
    removeDir(s.dataDir);
  }
});

async function onlineAgent(maxChats: number, name?: string) {
  const created = await createAgent(server.url, admin, { maxChats, ...(name ? { name } : {}) });
  const client = await connectAgent(server.url, created.token);
  await ok(emit(client.socket, 'agent:status', { status: 'online' }));
  return { ...created, client };
}

async function newVisitorConversation(text = 'hello') {
  const v = await connectVisitor(server.url, siteKey);
  const res = await ok(emit<{ message: Message }>(v.socket, 'message:send', { clientId: `v-${Math.random()}`, text }));
  return { visitor: v, conversationId: res.message.conversationId };
}

async function conversation(id: string): Promise<Conversation> {
  return (await api(server.url, `/api/conversations/${id}`, { token: admin })).body.conversation;
}

async function goAway(client: AgentClient) {
  await ok(emit(client.socket, 'agent:status', { status: 'away' }));
}

describe('agent handshake', () => {
  it('refuses a bad token with connect_error unauthorized', async () => {
    await expect(connectAgent(server.url, 'nope-nope-nope')).rejects.toThrow('unauthorized');
  });
});

describe('routing', () => {
  it('fills agents by most free capacity, ties to the longest idle, then queues FIFO', async () => {
    const a = await onlineAgent(1, 'Ana');
    const b = await onlineAgent(2, 'Ben');
    const c = await onlineAgent(3, 'Cy');
    const convs: string[] = [];
    for (let i = 0; i < 6; i++) {
      convs.push((await newVisitorConversation(`q${i}`)).conversationId);
      await eventually(async () => expect((await conversation(convs[i]!)).status).toBe('assigned'));
    }
    const owners = await Promise.all(convs.map(async (id) => (await conversation(id)).agentId));
    // Most free capacity first: Cy(3) → then Ben(2) and Cy(2) tie → Ben (assigned longer ago) → …
    expect(owners[0]).toBe(c.agent.id);
    expect(owners.filter((o) => o === a.agent.id)).toHaveLength(1);
    expect(owners.filter((o) => o === b.agent.id)).toHaveLength(2);
    expect(owners.filter((o) => o === c.agent.id)).toHaveLength(3);
    expect(c.client.assigned.map((x) => x.id).sort()).toEqual(convs.filter((_, i) => owners[i] === c.agent.id).sort());

    // Everyone is full: the next two wait in the queue, oldest first.
    const waiting1 = await newVisitorConversation('waiting 1');
    const waiting2 = await newVisitorConversation('waiting 2');
    await sleep(300);
    expect((await conversation(waiting1.conversationId)).status).toBe('queued');
    // Capacity frees up: the oldest queued conversation goes first.
    const closeMe = convs[owners.indexOf(b.agent.id)]!;
    await ok(emit(b.client.socket, 'conversation:close', { conversationId: closeMe }));
    await eventually(async () => expect((await conversation(waiting1.conversationId)).agentId).toBe(b.agent.id));
    expect((await conversation(waiting2.conversationId)).status).toBe('queued');
    // Nobody over capacity.
    const agents = (await api(server.url, '/api/agents', { token: admin })).body.agents as {
      id: string;
      load: number;
      maxChats: number;
    }[];
    for (const agent of agents) expect(agent.load).toBeLessThanOrEqual(agent.maxChats);
    for (const x of [a, b, c]) x.client.socket.close();
    await sleep(50);
  });

  it('skips away agents', async () => {
    const away = await onlineAgent(5, 'Away');
    const online = await onlineAgent(1, 'Online');
    await goAway(away.client);
    const { conversationId } = await newVisitorConversation('anyone?');
    await sleep(300);
    expect(away.client.assigned).toHaveLength(0);
    const conv = await conversation(conversationId);
    expect(conv.agentId).toBe(online.agent.id);
    // With the only online agent full, the next conversation waits rather than going to the away agent.
    const next = await newVisitorConversation('still anyone?');
    await sleep(300);
    expect((await conversation(next.conversationId)).status).toBe('queued');
    expect(away.client.assigned).toHaveLength(0);
    away.client.socket.close();
    online.client.socket.close();
  });

  it('requeues an agent’s conversations after the grace period and reassigns them', async () => {
    const leaving = await onlineAgent(2, 'Leaving');
    const { conversationId, visitor } = await newVisitorConversation('please help');
    await eventually(async () => expect((await conversation(conversationId)).agentId).toBe(leaving.agent.id));
    leaving.client.socket.close();
    await sleep(GRACE_MS / 3);
    expect((await conversation(conversationId)).agentId).toBe(leaving.agent.id);
    await eventually(async () => expect((await conversation(conversationId)).status).toBe('queued'), GRACE_MS * 4);
    const rescuer = await onlineAgent(2, 'Rescuer');
    await eventually(async () => expect((await conversation(conversationId)).agentId).toBe(rescuer.agent.id));
    await eventually(() => expect(rescuer.client.assigned.map((c) => c.id)).toContain(conversationId));
    // The visitor is told, and sees the new agent's name.
    await eventually(() => expect(visitor.conversations.at(-1)?.agentName).toBe('Rescuer'));
    rescuer.client.socket.close();
    visitor.socket.close();
  });
});

describe("message:new for one's own messages", () => {
  it('reaches every socket by default; a socket that connected with echo: false hears only others', async () => {
    const ana = await onlineAgent(3, 'Echo Ana');
    const quiet = await connectVisitor(server.url, siteKey, { echo: false });
    const first = await ok(emit<{ message: Message }>(quiet.socket, 'message:send', { clientId: 'q1', text: 'one' }));
    const conversationId = first.message.conversationId;
    await eventually(async () => expect((await conversation(conversationId)).agentId).toBe(ana.agent.id));
    // The same visitor in a second tab (default), and the same agent in a quiet second tab.
    const loud = await connectVisitor(server.url, siteKey, { visitorToken: quiet.session.visitorToken });
    const anaQuiet = await connectAgent(server.url, ana.token, { echo: false });
    for (const client of [ana.client, anaQuiet]) await ok(emit(client.socket, 'conversation:join', { conversationId }));

    await ok(emit(quiet.socket, 'message:send', { clientId: 'q2', text: 'from the quiet tab' }));
    await ok(emit(loud.socket, 'message:send', { clientId: 'l1', text: 'from the loud tab' }));
    await ok(emit(anaQuiet.socket, 'message:send', { conversationId, clientId: 'a1', text: 'agent, quiet tab' }));
    await ok(emit(ana.client.socket, 'message:send', { conversationId, clientId: 'a2', text: 'agent, loud tab' }));
    const all = ['from the quiet tab', 'from the loud tab', 'agent, quiet tab', 'agent, loud tab'];
    const heard = (messages: Message[]) => messages.map((m) => m.text).filter((t) => all.includes(t));
    await eventually(() => {
      expect(heard(loud.messages)).toEqual(all); // the default: its own message too
      expect(heard(ana.client.messages)).toEqual(all);
      expect(heard(quiet.messages)).toEqual(['from the loud tab', 'agent, quiet tab', 'agent, loud tab']);
      expect(heard(anaQuiet.messages)).toEqual(['from the quiet tab', 'from the loud tab', 'agent, loud tab']);
    });
    for (const s of [quiet.socket, loud.socket, anaQuiet.socket, ana.client.socket]) s.close();
  });
});

describe('conversation flow', () => {
  it('agent replies, notes stay internal (events and sync), transfer keeps history, close ends it', async () => {
    const ana = await onlineAgent(3, 'Ana2');
    const ben = await onlineAgent(3, 'Ben2');
    await goAway(ben.client);
    const { visitor, conversationId } = await newVisitorConversation('my order is late');
    await eventually(async () => expect((await conversation(conversationId)).agentId).toBe(ana.agent.id));

    const joined = await ok(emit<{ messages: Message[] }>(ana.client.socket, 'conversation:join', { conversationId }));
    expect(joined.messages.map((m) => m.text)).toContain('my order is late');
    await ok(emit(ana.client.socket, 'message:send', { conversationId, clientId: 'a1', text: 'Let me check' }));
    await ok(
      emit(ana.client.socket, 'message:send', { conversationId, clientId: 'n1', text: 'SECRET NOTE', internal: true }),
    );
    await eventually(() => expect(visitor.messages.map((m) => m.text)).toContain('Let me check'));

    // Transfer to Ben with a note: Ben gets it, sees all history including the note.
    const transferred = await ok(
      emit<{ conversation: Conversation }>(ana.client.socket, 'conversation:transfer', {
        conversationId,
        toAgentId: ben.agent.id,
        note: 'VIP, refund approved',
      }),
    );
    expect(transferred.conversation.agentId).toBe(ben.agent.id);
    await eventually(() => expect(ben.client.assigned.map((c) => c.id)).toContain(conversationId));
    const benView = await ok(emit<{ messages: Message[] }>(ben.client.socket, 'conversation:join', { conversationId }));
    const texts = benView.messages.map((m) => m.text);
    expect(texts).toContain('my order is late');
    expect(texts).toContain('SECRET NOTE');
    expect(texts.some((t) => t.includes('VIP, refund approved'))).toBe(true);
    expect(benView.messages.map((m) => m.seq)).toEqual(benView.messages.map((_, i) => i + 1));

    // Ana can no longer reply publicly.
    const stale = await emit(ana.client.socket, 'message:send', { conversationId, clientId: 'a2', text: 'hello?' });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error.code).toBe('not_assigned');

    await ok(emit(ben.client.socket, 'message:send', { conversationId, clientId: 'b1', text: 'Refund done' }));
    await ok(emit(ben.client.socket, 'conversation:close', { conversationId }));
    await eventually(() => expect(visitor.conversations.at(-1)?.status).toBe('closed'));
    // After the close: a public reply is refused as such, a note is still taken, an unknown id is not found.
    const late = await emit(ben.client.socket, 'message:send', { conversationId, clientId: 'b2', text: 'one more' });
    expect(late.ok ? null : late.error.code).toBe('conversation_closed');
    await ok(
      emit(ben.client.socket, 'message:send', { conversationId, clientId: 'n2', text: 'wrap-up', internal: true }),
    );
    const unknown = await emit(ben.client.socket, 'message:send', {
      conversationId: 'nope',
      clientId: 'b3',
      text: 'x',
    });
    expect(unknown.ok ? null : unknown.error.code).toBe('not_found');

    // The visitor never saw a note, by event or by sync.
    const sync = await ok(emit<{ messages: Message[] }>(visitor.socket, 'messages:sync', { conversationId }));
    for (const list of [visitor.messages, sync.messages]) {
      expect(list.some((m) => m.internal)).toBe(false);
      expect(list.map((m) => m.text).join('|')).not.toMatch(/SECRET NOTE|VIP/);
    }
    expect(sync.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['Let me check', 'Refund done']));

    // Rated after close.
    const rated = await ok(
      emit<{ conversation: Conversation }>(visitor.socket, 'conversation:rate', {
        conversationId,
        score: 5,
        comment: 'great',
      }),
    );
    expect(rated.conversation.rating).toBe(5);
    for (const x of [ana, ben]) x.client.socket.close();
    visitor.socket.close();
  });

  it('accept takes a queued conversation; a second accept is refused', async () => {
    const first = await createAgent(server.url, admin, { maxChats: 2 });
    const second = await createAgent(server.url, admin, { maxChats: 2 });
    const c1 = await connectAgent(server.url, first.token);
    await goAway(c1);
    const c2 = await connectAgent(server.url, second.token);
    await goAway(c2);
    const { conversationId, visitor } = await newVisitorConversation('nobody online');
    await sleep(200);
    expect((await conversation(conversationId)).status).toBe('queued');
    const [r1, r2] = await Promise.all([
      emit(c1.socket, 'conversation:accept', { conversationId }),
      emit(c2.socket, 'conversation:accept', { conversationId }),
    ]);
    expect([r1.ok, r2.ok].filter(Boolean)).toHaveLength(1);
    const loser = r1.ok ? r2 : r1;
    if (!loser.ok) expect(loser.error.code).toBe('conflict');
    c1.socket.close();
    c2.socket.close();
    visitor.socket.close();
  });

  it('answers invalid agent payloads with invalid_payload', async () => {
    const { token } = await createAgent(server.url, admin);
    const client = await connectAgent(server.url, token);
    for (const [event, payload] of [
      ['agent:status', { status: 'sleeping' }],
      ['conversation:join', {}],
      ['message:send', { conversationId: 'x', clientId: 'y' }],
      ['conversation:transfer', { conversationId: 5 }],
      ['conversation:close', null],
    ] as const) {
      const res = await emit(client.socket, event, payload);
      expect(res.ok, event).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('invalid_payload');
    }
    const missing = await emit(client.socket, 'conversation:join', { conversationId: 'does-not-exist' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('not_found');
    client.socket.close();
  });
});
