import { createHmac } from 'node:crypto';
import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHandshake, connectedVisitor, expectNoCrashLogs, visitorHandshake } from './helpers/adversary.js';
import { api, connectAgent, createAgent, emit, eventually, login, ok, sleep } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Visitor isolation, within one site and across sites: nobody but the owner can read, write, close or
 * rate a conversation or hear its events, and visitor tokens cannot be forged or carried to another site.
 */
let server: RunningServer;
let admin: string;
let siteA: { id: string; key: string; identitySecret: string };
let siteB: { id: string; key: string; identitySecret: string };

const newSite = async (name: string) => {
  const created = await api(server.url, '/api/sites', { token: admin, body: { name, allowedOrigins: [] } });
  return (await api(server.url, `/api/sites/${created.body.id}`, { token: admin })).body.site;
};

beforeAll(async () => {
  server = await startServer();
  admin = await login(server.url);
  siteA = await newSite('Isolation A');
  siteB = await newSite('Isolation B');
});
afterAll(async () => {
  expectNoCrashLogs(server);
  await server.stop();
  removeDir(server.dataDir);
});

/** Records every event a socket receives. */
const tap = (socket: import('socket.io-client').Socket) => {
  const seen: { event: string; args: unknown[] }[] = [];
  socket.onAny((event: string, ...args: unknown[]) => seen.push({ event, args }));
  return seen;
};

describe('conversation isolation', () => {
  it('no other visitor, on the same site or another, can read, write, close, rate or hear a conversation', async () => {
    const alice = await connectedVisitor(server.url, siteA.key);
    const mallory = await connectedVisitor(server.url, siteA.key);
    const eve = await connectedVisitor(server.url, siteB.key);
    const malloryHears = tap(mallory.socket);
    const eveHears = tap(eve.socket);
    const { message } = await ok(
      emit<{ message: Message }>(alice.socket, 'message:send', { clientId: 'a1', text: 'card 4111 1111 1111 1111' }),
    );
    const conversationId = message.conversationId;
    for (const intruder of [mallory, eve]) {
      for (const [event, payload] of [
        ['messages:sync', { conversationId }],
        ['messages:sync', { conversationId, after: 0 }],
        ['conversation:close', { conversationId }],
        ['conversation:rate', { conversationId, score: 1, comment: 'x' }],
      ] as const) {
        const res = await emit(intruder.socket, event, payload);
        expect(res.ok, event).toBe(false);
        if (!res.ok) expect(res.error.code, event).toBe('not_found');
      }
      // A conversationId smuggled into message:send is ignored: it lands in the intruder's own conversation.
      const smuggled = await ok(
        emit<{ message: Message }>(intruder.socket, 'message:send', { conversationId, clientId: 'x1', text: 'hi' }),
      );
      expect(smuggled.message.conversationId).not.toBe(conversationId);
    }
    // Alice's agent replies and types; the intruders hear nothing of it.
    // The admin connects online and is the only one: the conversation is routed to them.
    const agent = await connectAgent(server.url, admin);
    await eventually(async () =>
      expect(
        (await api(server.url, `/api/conversations/${conversationId}`, { token: admin })).body.conversation.status,
      ).toBe('assigned'),
    );
    await ok(emit(agent.socket, 'conversation:join', { conversationId }));
    await ok(emit(agent.socket, 'typing', { conversationId, typing: true }));
    await ok(emit(agent.socket, 'message:send', { conversationId, clientId: 'r1', text: 'private reply' }));
    await ok(emit(alice.socket, 'typing', { typing: true, preview: 'secret preview' }));
    await eventually(() => expect(alice.messages.some((m) => m.text === 'private reply')).toBe(true));
    await sleep(200);
    for (const heard of [malloryHears, eveHears]) {
      const leaked = heard.filter((h) => JSON.stringify(h.args).includes(conversationId));
      expect(leaked).toEqual([]);
      expect(JSON.stringify(heard)).not.toMatch(/private reply|4111|secret preview/);
    }
    const stored = (await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin })).body
      .messages as Message[];
    expect(stored.filter((m) => m.author === 'visitor').map((m) => m.text)).toEqual(['card 4111 1111 1111 1111']);
    expect(
      (await api(server.url, `/api/conversations/${conversationId}`, { token: admin })).body.conversation.status,
    ).toBe('assigned');
    for (const s of [alice, mallory, eve]) s.socket.close();
    agent.socket.close();
  });

  it('a visitor cannot use the agent namespace or the REST API with a visitor token', async () => {
    const v = await connectedVisitor(server.url, siteA.key);
    expect(await agentHandshake(server.url, { token: v.session.visitorToken })).toEqual({
      ok: false,
      code: 'unauthorized',
    });
    const res = await api(server.url, '/api/conversations', {
      headers: { authorization: `Bearer ${v.session.visitorToken}` },
    });
    expect(res.status).toBe(401);
    v.socket.close();
  });

  it('a plain agent cannot write into, close or transfer a conversation assigned to someone else', async () => {
    const owner = await createAgent(server.url, admin);
    const other = await createAgent(server.url, admin);
    const v = await connectedVisitor(server.url, siteA.key);
    const { message } = await ok(emit<{ message: Message }>(v.socket, 'message:send', { clientId: 'o1', text: 'hi' }));
    const conversationId = message.conversationId;
    const ownerClient = await connectAgent(server.url, owner.token);
    await eventually(async () =>
      expect(
        (await api(server.url, `/api/conversations/${conversationId}`, { token: admin })).body.conversation.agentId,
      ).toBe(owner.agent.id),
    );
    const otherClient = await connectAgent(server.url, other.token);
    for (const [event, payload] of [
      ['message:send', { conversationId, clientId: 'x', text: 'hijack' }],
      ['conversation:close', { conversationId }],
      ['conversation:transfer', { conversationId }],
    ] as const) {
      const res = await emit(otherClient.socket, event, payload);
      expect(res.ok, event).toBe(false);
      if (!res.ok) expect(res.error.code, event).toBe('not_assigned');
    }
    v.socket.close();
    ownerClient.socket.close();
    otherClient.socket.close();
  });
});

describe('visitor tokens', () => {
  it('forged, tampered and cross-site tokens never resume someone else: a new visitor starts', async () => {
    const alice = await connectedVisitor(server.url, siteA.key);
    await ok(emit(alice.socket, 'message:send', { clientId: 't1', text: 'mine' }));
    const token = alice.session.visitorToken;
    const [version, visitorId, siteId, signature] = token.split('.') as [string, string, string, string];
    const other = await connectedVisitor(server.url, siteA.key);
    const flip = (s: string) => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
    const forgeries: [string, string][] = [
      [siteA.key, `${version}.${visitorId}.${siteId}.${'0'.repeat(64)}`],
      [siteA.key, `${version}.${visitorId}.${siteId}.${flip(signature)}`],
      [siteA.key, `${version}.${visitorId}.${siteId}.${signature.toUpperCase()}`],
      [siteA.key, `${version}.${visitorId}.${siteId}`],
      [siteA.key, `v2.${visitorId}.${siteId}.${signature}`],
      [siteA.key, `${version}.${other.session.visitorId}.${siteId}.${signature}`],
      [siteA.key, `${version}.${visitorId}.${siteId}.${signature}.extra`],
      [siteA.key, `${version}.${visitorId}.${siteB.id}.${signature}`],
      [siteA.key, visitorId],
      [siteA.key, ''],
      // Alice's genuine token on another site.
      [siteB.key, token],
      // A token correctly signed… with site B's identity secret instead of the server secret.
      [
        siteA.key,
        `${version}.${visitorId}.${siteId}.${createHmac('sha256', siteB.identitySecret).update(`v1.${visitorId}.${siteId}`).digest('hex')}`,
      ],
    ];
    for (const [key, visitorToken] of forgeries) {
      const res = await visitorHandshake(server.url, { siteKey: key, visitorToken });
      expect(res.ok, visitorToken).toBe(true);
      if (res.ok) {
        expect(res.session.visitorId, visitorToken).not.toBe(visitorId);
        expect(res.session.visitorId, visitorToken).not.toBe(other.session.visitorId);
        expect(res.session.conversation, visitorToken).toBeNull();
        res.socket.close();
      }
    }
    // Tokens of the wrong type or size are refused with a code, never a crash.
    for (const visitorToken of [42, { $ne: null }, ['x'], 'x'.repeat(600)]) {
      const res = await visitorHandshake(server.url, { siteKey: siteA.key, visitorToken });
      if (res.ok) {
        expect(res.session.visitorId).not.toBe(visitorId);
        res.socket.close();
      } else expect(res.code).toBe('unknown_site');
    }
    // The genuine token still resumes Alice.
    const again = await visitorHandshake(server.url, { siteKey: siteA.key, visitorToken: token });
    expect(again.ok && again.session.visitorId).toBe(visitorId);
    if (again.ok) again.socket.close();
    alice.socket.close();
    other.socket.close();
  });

  it('identity verification needs the userHash of this site’s secret', async () => {
    const v = await connectedVisitor(server.url, siteA.key);
    const hash = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');
    for (const userHash of [hash(siteB.identitySecret, 'u-1'), '0'.repeat(64), hash(siteA.identitySecret, 'u-2')]) {
      const res = await emit(v.socket, 'visitor:identify', { userId: 'u-1', userHash });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('forbidden');
    }
    const good = await emit(v.socket, 'visitor:identify', {
      userId: 'u-1',
      userHash: hash(siteA.identitySecret, 'u-1'),
    });
    expect(good.ok).toBe(true);
    v.socket.close();
  });
});
