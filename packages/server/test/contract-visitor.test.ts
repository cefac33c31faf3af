import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectVisitor, defaultSiteKey, emit, eventually, login, ok } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

let server: RunningServer;
let admin: string;
let siteKey: string;

beforeAll(async () => {
  server = await startServer({ env: { PARLEY_VISITOR_MSG_LIMIT: '30' } });
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
});
afterAll(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

const send = (v: { socket: import('socket.io-client').Socket }, clientId: string, text: string) =>
  ok(emit<{ message: Message }>(v.socket, 'message:send', { clientId, text }));

describe('visitor handshake', () => {
  it('gives a new visitor a session with a token and no conversation', async () => {
    const v = await connectVisitor(server.url, siteKey);
    expect(v.session.visitorId).toBeTruthy();
    expect(v.session.visitorToken).toBeTruthy();
    expect(v.session.conversation).toBeNull();
    v.socket.close();
  });
  it('refuses an unknown site key with connect_error unknown_site', async () => {
    await expect(connectVisitor(server.url, 'no-such-site')).rejects.toThrow('unknown_site');
  });
  it('refuses a foreign Origin with origin_not_allowed, accepts an allowed one', async () => {
    await expect(connectVisitor(server.url, siteKey, { origin: 'https://evil.example' })).rejects.toThrow(
      'origin_not_allowed',
    );
    const allowed = await connectVisitor(server.url, siteKey, { origin: `http://127.0.0.1:${server.port}` });
    allowed.socket.close();
  });
  it('keeps the identity with its token; a forged or foreign token starts a new visitor', async () => {
    const first = await connectVisitor(server.url, siteKey);
    await send(first, 'keep-1', 'hello');
    first.socket.close();
    const again = await connectVisitor(server.url, siteKey, { visitorToken: first.session.visitorToken });
    expect(again.session.visitorId).toBe(first.session.visitorId);
    expect(again.session.conversation?.status).toBe('queued');
    again.socket.close();

    const [version, id, site] = first.session.visitorToken.split('.');
    const forged = await connectVisitor(server.url, siteKey, {
      visitorToken: `${version}.${id}.${site}.${'0'.repeat(64)}`,
    });
    expect(forged.session.visitorId).not.toBe(first.session.visitorId);
    forged.socket.close();

    const other = await api(server.url, '/api/sites', {
      token: admin,
      body: { name: 'Other', allowedOrigins: ['https://other.example'] },
    });
    const cross = await connectVisitor(server.url, other.body.key, { visitorToken: first.session.visitorToken });
    expect(cross.session.visitorId).not.toBe(first.session.visitorId);
    expect(cross.session.conversation).toBeNull();
    cross.socket.close();
  });
});

describe('visitor messages', () => {
  it('opens a queued conversation with the first message and acknowledges it with seq 1', async () => {
    const v = await connectVisitor(server.url, siteKey);
    const { message } = await send(v, 'c-1', '  Hello there  ');
    expect(message).toMatchObject({ seq: 1, clientId: 'c-1', author: 'visitor', text: 'Hello there', internal: false });
    const res = await api(server.url, `/api/conversations/${message.conversationId}`, { token: admin });
    expect(res.body.conversation.status).toBe('queued');
    v.socket.close();
  });
  it('is idempotent: the same clientId returns the first message and stores nothing new', async () => {
    const v = await connectVisitor(server.url, siteKey);
    const first = await send(v, 'same-id', 'once');
    const again = await send(v, 'same-id', 'once');
    const concurrent = await Promise.all([send(v, 'race-id', 'x'), send(v, 'race-id', 'x'), send(v, 'race-id', 'x')]);
    expect(again.message.id).toBe(first.message.id);
    expect(again.message.seq).toBe(first.message.seq);
    expect(new Set(concurrent.map((r) => r.message.id)).size).toBe(1);
    const stored = await api(server.url, `/api/conversations/${first.message.conversationId}/messages`, {
      token: admin,
    });
    expect(stored.body.messages.map((m: Message) => m.clientId)).toEqual(['same-id', 'race-id']);
    v.socket.close();
  });
  it('messages:sync returns everything after a seq, without gaps, and every tab gets message:new', async () => {
    const tab1 = await connectVisitor(server.url, siteKey);
    const tab2 = await connectVisitor(server.url, siteKey, { visitorToken: tab1.session.visitorToken });
    for (let i = 1; i <= 10; i++) await send(tab1, `s-${i}`, `message ${i}`);
    const all = await ok(emit<{ messages: Message[] }>(tab1.socket, 'messages:sync', {}));
    expect(all.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const tail = await ok(emit<{ messages: Message[] }>(tab2.socket, 'messages:sync', { after: 7 }));
    expect(tail.messages.map((m) => m.text)).toEqual(['message 8', 'message 9', 'message 10']);
    await eventually(() => expect(tab2.messages.length).toBe(10));
    tab1.socket.close();
    tab2.socket.close();
  });
  it('answers invalid payloads with invalid_payload and stores nothing', async () => {
    const v = await connectVisitor(server.url, siteKey);
    const bad: unknown[] = [
      undefined,
      null,
      'text',
      42,
      [],
      { clientId: 'b1' },
      { clientId: 'b2', text: '   ' },
      { clientId: 'b3', text: 'x'.repeat(5001) },
      { clientId: '', text: 'x' },
      { clientId: 'x'.repeat(65), text: 'x' },
      { clientId: 5, text: 'x' },
      { clientId: 'b4', text: ['x'] },
      { clientId: 'b5', text: { toString: 'x' } },
    ];
    for (const payload of bad) {
      const res = await emit(v.socket, 'message:send', payload);
      expect(res.ok, JSON.stringify(payload)).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('invalid_payload');
    }
    expect((await emit(v.socket, 'messages:sync', { after: -1 })).ok).toBe(false);
    expect((await emit(v.socket, 'conversation:rate', { conversationId: 'x', score: 9 })).ok).toBe(false);
    const sync = await ok(emit<{ messages: Message[] }>(v.socket, 'messages:sync', {}));
    expect(sync.messages).toEqual([]);
    // Still chats normally afterwards.
    expect((await send(v, 'good', 'still works')).message.seq).toBe(1);
    v.socket.close();
  });
  it('rate-limits a flooding visitor with rate_limited', async () => {
    const v = await connectVisitor(server.url, siteKey);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => emit(v.socket, 'message:send', { clientId: `f-${i}`, text: 'spam' })),
    );
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    for (const r of refused) if (!r.ok) expect(r.error.code).toBe('rate_limited');
    v.socket.close();
  });
});

describe('visitor isolation', () => {
  it('a visitor can never read, close, rate or write into another visitor’s conversation', async () => {
    const alice = await connectVisitor(server.url, siteKey);
    const mallory = await connectVisitor(server.url, siteKey);
    const { message } = await send(alice, 'a-1', 'my secret order number 1234');
    const conversationId = message.conversationId;
    for (const [event, payload] of [
      ['messages:sync', { conversationId }],
      ['conversation:close', { conversationId }],
      ['conversation:rate', { conversationId, score: 1 }],
    ] as const) {
      const res = await emit(mallory.socket, event, payload);
      expect(res.ok, event).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('not_found');
    }
    const own = await send(mallory, 'm-1', 'hi');
    expect(own.message.conversationId).not.toBe(conversationId);
    await new Promise((r) => setTimeout(r, 200));
    expect(mallory.messages.some((m) => m.conversationId === conversationId)).toBe(false);
    const aliceMessages = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    expect(aliceMessages.body.messages.map((m: Message) => m.text)).toEqual(['my secret order number 1234']);
    alice.socket.close();
    mallory.socket.close();
  });
});
