import { createHmac } from 'node:crypto';
import type { Ack, Message } from '@parley/protocol';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedVisitor, errorLogs, expectNoCrashLogs, roundTrip } from './helpers/adversary.js';
import { api, connectAgent, createAgent, emit, login, ok, sleep } from './helpers/clients.js';
import {
  EVIL_STRINGS,
  evilLeaf,
  fuzzSettings,
  HANDPICKED,
  payloadFor,
  REJECTION_CODES,
  validClientId,
  validText,
} from './helpers/evil.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Property-based fuzzing of every client→server event of /visitor and /agent against the real server
 * process: generated and hand-picked malicious payloads, with and without acknowledgements. The server
 * must answer each with `{ok:true}` or a rejection code (never `internal`), never drop the connection,
 * never log an uncaught error, and still chat normally at the end.
 */
const { seed, numRuns } = fuzzSettings('fuzz-socket');
let server: RunningServer;
let admin: string;
let siteA: { id: string; key: string; identitySecret: string };
let siteB: { id: string; key: string };
const ids: string[] = [];
const agentIds: string[] = [];

beforeAll(async () => {
  server = await startServer({ env: { PARLEY_VISITOR_MSG_LIMIT: '1000000', PARLEY_REASSIGN_GRACE_MS: '600000' } });
  admin = await login(server.url);
  const a = await api(server.url, '/api/sites', { token: admin, body: { name: 'Fuzz A', allowedOrigins: [] } });
  siteA = (await api(server.url, `/api/sites/${a.body.id}`, { token: admin })).body.site;
  siteB = (await api(server.url, '/api/sites', { token: admin, body: { name: 'Fuzz B', allowedOrigins: [] } })).body;
  // Real conversation ids on both sites: the fuzzers use them as "foreign" ids.
  for (const [key, n] of [
    [siteA.key, 3],
    [siteB.key, 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const v = await connectedVisitor(server.url, key);
      const { message } = await ok(
        emit<{ message: Message }>(v.socket, 'message:send', { clientId: `seed-${i}`, text: 'seed' }),
      );
      ids.push(message.conversationId);
      v.socket.close();
    }
  }
  const me = (await api(server.url, '/api/me', { token: admin })).body.agent;
  agentIds.push(me.id, 'no-such-agent');
  ids.push('no-such-conversation', '00000000-0000-0000-0000-000000000000');
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

type Mode = 'ack' | 'noack' | 'extra-arg';
const mode = fc.constantFrom<Mode>('ack', 'ack', 'ack', 'noack', 'extra-arg');

/** Sends one event and checks the acknowledgement's shape and code. */
async function probe(socket: Socket, event: string, payload: unknown, how: Mode) {
  if (how === 'noack') {
    socket.emit(event, payload);
    return;
  }
  const res = (await (how === 'ack'
    ? socket.timeout(5000).emitWithAck(event, payload)
    : socket.timeout(5000).emitWithAck(event, payload, 'extra'))) as Ack;
  expect(typeof res, event).toBe('object');
  expect(typeof res.ok, event).toBe('boolean');
  if (!res.ok) {
    expect(
      REJECTION_CODES.has(res.error.code),
      `${event} answered ${res.error.code}: ${res.error.message} for ${JSON.stringify(payload)?.slice(0, 300)}`,
    ).toBe(true);
    expect(typeof res.error.message).toBe('string');
  }
}

async function fuzzEvents(
  connect: () => Promise<Socket>,
  events: Record<string, fc.Arbitrary<unknown>>,
): Promise<void> {
  let socket = await connect();
  let drops = 0;
  try {
    for (const [event, arb] of Object.entries(events)) {
      await fc.assert(
        fc.asyncProperty(arb, mode, async (payload, how) => {
          if (!socket.connected) {
            drops++;
            socket = await connect();
          }
          await probe(socket, event, payload, how);
        }),
        { seed, numRuns, endOnFailure: true },
      );
    }
    // A final acknowledged call proves the connection survived everything.
    expect(socket.connected).toBe(true);
    expect(drops).toBe(0);
  } finally {
    socket.close();
  }
}

describe('fuzzing /visitor', () => {
  it('answers every generated payload of every event with ok or a rejection code, never internal', async () => {
    const userIds = ['user-1', 'user-2', "o'hara", '\u202Euser'];
    const pairs = userIds.map((userId) => ({
      userId,
      userHash: createHmac('sha256', siteA.identitySecret).update(userId).digest('hex'),
    }));
    const identify = fc.oneof(
      payloadFor({
        userId: fc.constantFrom(...userIds),
        userHash: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
      }),
      fc
        .tuple(fc.constantFrom(...pairs), fc.oneof(validText, evilLeaf()), fc.oneof(fc.emailAddress(), evilLeaf()))
        .map(([pair, name, email]) => ({ ...pair, name, email })),
    );
    await fuzzEvents(async () => (await connectedVisitor(server.url, siteA.key)).socket, {
      'message:send': payloadFor(
        { clientId: validClientId, text: validText, conversationId: fc.constantFrom(...ids) },
        ids,
      ),
      'messages:sync': payloadFor(
        { after: fc.integer({ min: 0, max: 50 }), conversationId: fc.constantFrom(...ids) },
        ids,
      ),
      typing: payloadFor({ typing: fc.boolean(), preview: validText }),
      'conversation:rate': payloadFor(
        { conversationId: fc.constantFrom(...ids), score: fc.integer({ min: 1, max: 5 }), comment: validText },
        ids,
      ),
      'conversation:close': payloadFor({ conversationId: fc.constantFrom(...ids) }, ids),
      'visitor:update': payloadFor({ name: validText, email: fc.emailAddress() }),
      'visitor:context': payloadFor({
        url: fc.webUrl(),
        title: validText,
        referrer: fc.webUrl(),
        locale: fc.constantFrom('en', 'ar', 'he-IL', 'zz'),
      }),
      'visitor:identify': identify,
    });
  }, 120_000);

  it('ignores unknown and reserved-looking event names without answering or dropping the connection', async () => {
    const v = await connectedVisitor(server.url, siteA.key);
    for (const event of [
      '',
      'constructor',
      '__proto__',
      'hasOwnProperty',
      'toString',
      'session',
      'message:new',
      'x'.repeat(2000),
    ])
      for (const payload of HANDPICKED.slice(0, 12)) v.socket.emit(event, payload, () => {});
    await sleep(100);
    expect(v.socket.connected).toBe(true);
    expect((await emit(v.socket, 'messages:sync', {})).ok).toBe(true);
    v.socket.close();
  });

  it('survives malformed socket.io packets: bad JSON, bogus attachments, huge ack ids, foreign namespaces', async () => {
    const raws = [
      '2/visitor,["message:send",{',
      '2/visitor,[]',
      '2/visitor,{"a":1}',
      '2/visitor,[1,2,3]',
      '2/visitor,["__proto__",{"polluted":1}]',
      '2/visitor,99999999999999999999999["messages:sync",{}]',
      '2/visitor,-1["messages:sync",{}]',
      '51-/visitor,["message:send",{"_placeholder":true,"num":0}]',
      '5999999999-/visitor,["message:send",{"_placeholder":true,"num":7}]',
      '2/visitor,["message:send",{"_placeholder":true,"num":3}]',
      `2/visitor,["message:send",${'['.repeat(20_000)}${']'.repeat(20_000)}]`,
      '2/admin,["x"]',
      '0/agent,{"token":{"$gt":""}}',
      '0/visitor,not json',
      '3/visitor,12345[]',
      '9',
      '',
      '\u0000\uD800',
    ];
    let dropped = 0;
    for (const raw of raws) {
      const v = await connectedVisitor(server.url, siteA.key);
      (v.socket.io.engine as unknown as { write(data: string): void }).write(raw);
      await sleep(60);
      if (!v.socket.connected) dropped++;
      v.socket.close();
      expect((await api(server.url, '/healthz')).status, raw.slice(0, 60)).toBe(200);
    }
    // Undecodable packets close that one connection (the parser's rule); everything else is shrugged off.
    expect(dropped).toBeLessThan(raws.length);
  });

  it('drops a connection that sends more than maxHttpBufferSize, and the visitor can reconnect', async () => {
    const v = await connectedVisitor(server.url, siteA.key);
    const closed = new Promise<string>((resolve) => v.socket.once('disconnect', (reason) => resolve(reason)));
    v.socket.emit('message:send', { clientId: 'huge', text: 'x'.repeat(100_000) }, () => {});
    expect(await closed).toMatch(/transport (close|error)/);
    const again = await connectedVisitor(server.url, siteA.key, { visitorToken: v.session.visitorToken });
    expect(again.session.visitorId).toBe(v.session.visitorId);
    again.socket.close();
  });
});

describe('fuzzing /agent', () => {
  it('answers every generated payload of every event with ok or a rejection code, never internal', async () => {
    const agent = await createAgent(server.url, admin, { maxChats: 3 });
    agentIds.push(agent.agent.id);
    await fuzzEvents(async () => (await connectAgent(server.url, agent.token)).socket, {
      'agent:status': payloadFor({ status: fc.constantFrom('online', 'away') }),
      'conversation:join': payloadFor({ conversationId: fc.constantFrom(...ids) }, ids),
      'conversation:leave': payloadFor({ conversationId: fc.constantFrom(...ids) }, ids),
      'conversation:accept': payloadFor({ conversationId: fc.constantFrom(...ids) }, ids),
      'message:send': payloadFor(
        { conversationId: fc.constantFrom(...ids), clientId: validClientId, text: validText, internal: fc.boolean() },
        ids,
      ),
      'conversation:transfer': payloadFor(
        { conversationId: fc.constantFrom(...ids), toAgentId: fc.constantFrom(...agentIds), note: validText },
        [...ids, ...agentIds],
      ),
      typing: payloadFor({ conversationId: fc.constantFrom(...ids), typing: fc.boolean() }, ids),
      'conversation:close': payloadFor({ conversationId: fc.constantFrom(...ids) }, ids),
    });
  }, 120_000);

  it('refuses every malformed agent handshake with unauthorized', async () => {
    const { agentHandshake } = await import('./helpers/adversary.js');
    for (const auth of [
      {},
      { token: null },
      { token: 42 },
      { token: ['x'] },
      { token: 'x'.repeat(5000) },
      ...EVIL_STRINGS.slice(0, 30).map((token) => ({ token })),
    ]) {
      const res = await agentHandshake(server.url, auth);
      expect(res, JSON.stringify(auth).slice(0, 80)).toEqual({ ok: false, code: 'unauthorized' });
    }
  });
});

describe('after the fuzzing', () => {
  it('still chats normally: a full visitor → agent → visitor round trip', async () => {
    await roundTrip(server.url, siteA.key, admin, 'after-socket-fuzz');
  });
  it('logged no uncaught error, no unhandled rejection and nothing at error level', () => {
    expectNoCrashLogs(server);
    expect(errorLogs(server).map((l) => `${l.msg} ${JSON.stringify(l.err ?? '').slice(0, 300)}`)).toEqual([]);
  });
});
