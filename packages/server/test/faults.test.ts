import type { Message } from '@parley/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { connectedVisitor, expectNoCrashLogs } from './helpers/adversary.js';
import {
  api,
  connectAgent,
  createAgent,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
  sleep,
} from './helpers/clients.js';
import { removeDir, startServer } from './helpers/server.js';
import { throwawayPostgres } from './helpers/throwaway-postgres.js';

/**
 * Faults with real processes. Covered elsewhere: SIGKILL during a message storm and SIGTERM
 * (crash-recovery.test.ts); an agent's network dropping → requeue after the grace period
 * (contract-agent.test.ts, "requeues an agent’s conversations after the grace period and reassigns
 * them"); a Redis restart (multi-process-redis-restart.test.ts).
 */
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('PostgreSQL restart', () => {
  it('fails sends clearly during the outage, loses nothing acknowledged, and recovers by itself', async (ctx) => {
    const pg = await throwawayPostgres();
    if (!pg) {
      if (process.env.CI === 'true') throw new Error('the PostgreSQL restart test needs root and PostgreSQL binaries');
      console.warn('  !! no PostgreSQL binaries or not root: skipping the PostgreSQL restart test');
      return ctx.skip();
    }
    cleanups.push(() => pg.destroy());
    const server = await startServer({ env: { DATABASE_URL: pg.url, PARLEY_VISITOR_MSG_LIMIT: '100000' } });
    cleanups.push(() => server.stop('SIGKILL'));
    cleanups.push(() => removeDir(server.dataDir));
    const admin = await login(server.url);
    const siteKey = await defaultSiteKey(server.url, admin);
    const visitor = await connectedVisitor(server.url, siteKey);

    const acked = new Map<string, Message>();
    const failed = new Map<string, string>();
    const sends: Promise<void>[] = [];
    let n = 0;
    let sending = true;
    const send = (clientId: string) =>
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId, text: `text ${clientId}` }, 20_000)
        .then((res) => {
          if (res.ok) acked.set(clientId, res.message);
          else failed.set(clientId, res.error.code);
        })
        .catch(() => {
          failed.set(clientId, 'timeout');
        });
    const sender = (async () => {
      while (sending) {
        sends.push(send(`pg-${n++}`));
        await sleep(15);
      }
    })();

    await eventually(() => expect(acked.size).toBeGreaterThanOrEqual(30), 20_000);
    pg.stop('immediate');
    const downAt = Date.now();
    // Readiness reports the outage; reads answer 503 unavailable, never a 500.
    await eventually(async () => expect((await api(server.url, '/readyz')).status).toBe(503), 10_000);
    const during = await api(server.url, '/api/conversations', { token: admin });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('unavailable');
    await eventually(() => expect(failed.size).toBeGreaterThanOrEqual(10), 10_000);
    await sleep(Math.max(0, 1500 - (Date.now() - downAt)));

    pg.start();
    await eventually(async () => expect((await api(server.url, '/readyz')).status).toBe(200), 20_000, 200);
    const ackedBefore = acked.size;
    await eventually(() => expect(acked.size).toBeGreaterThanOrEqual(ackedBefore + 30), 20_000);
    sending = false;
    await sender;
    await Promise.all(sends);

    // Every failure said so clearly.
    expect(new Set(failed.values())).toEqual(new Set(['unavailable']));
    expect(visitor.socket.connected).toBe(true);

    // Nothing acknowledged was lost, nothing doubled, seq gap-free.
    const conversationId = [...acked.values()][0]!.conversationId;
    const stored = async () =>
      (await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin })).body
        .messages as Message[];
    const before = await stored();
    const byClient = new Map(before.map((m) => [m.clientId, m]));
    for (const [clientId, message] of acked) expect(byClient.get(clientId)?.seq, clientId).toBe(message.seq);
    expect(before.map((m) => m.seq)).toEqual(before.map((_, i) => i + 1));

    // The client retries the failed ones with the same clientIds (as the widget's outbox does).
    for (const clientId of failed.keys())
      await ok(emit(visitor.socket, 'message:send', { clientId, text: `text ${clientId}` }));
    const after = await stored();
    expect(after.map((m) => m.clientId).sort()).toEqual([...acked.keys(), ...failed.keys()].sort());
    expect(after.map((m) => m.seq)).toEqual(after.map((_, i) => i + 1));
    visitor.socket.close();
    expectNoCrashLogs(server);
  }, 90_000);
});

/** Resolves with the first event on a socket that matches, or rejects after a timeout. */
function next<T>(socket: Socket, event: string, match: (payload: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

describe('a stalled client', () => {
  it('a visitor that stops reading holds no one else up, and gets everything in order once it reads again', async () => {
    const server = await startServer({ env: { PARLEY_VISITOR_MSG_LIMIT: '100000' } });
    cleanups.push(() => server.stop());
    cleanups.push(() => removeDir(server.dataDir));
    const admin = await login(server.url);
    const siteKey = await defaultSiteKey(server.url, admin);
    const agentA = await connectAgent(
      server.url,
      (await import('./helpers/clients.js').then((c) => c.createAgent(server.url, admin, { maxChats: 5 }))).token,
    );
    await ok(emit(agentA.socket, 'agent:status', { status: 'online' }));

    // The visitor that will stall, talking to agent A.
    const stalled = await connectedVisitor(server.url, siteKey);
    const s = await ok(emit<{ message: Message }>(stalled.socket, 'message:send', { clientId: 's0', text: 'hi' }));
    const stalledConversation = s.message.conversationId;
    await eventually(() => expect(agentA.assigned.some((c) => c.id === stalledConversation)).toBe(true));
    await ok(emit(agentA.socket, 'agent:status', { status: 'away' }));

    // A calm visitor, talking to agent B.
    const agentB = await connectAgent(server.url, (await createAgent(server.url, admin, { maxChats: 5 })).token);
    await ok(emit(agentB.socket, 'agent:status', { status: 'online' }));
    const calm = await connectedVisitor(server.url, siteKey);
    const c = await ok(emit<{ message: Message }>(calm.socket, 'message:send', { clientId: 'c0', text: 'hello' }));
    const calmConversation = c.message.conversationId;
    await eventually(() => expect(agentB.assigned.some((x) => x.id === calmConversation)).toBe(true));

    /** visitor → agent B → visitor. */
    let seq = 0;
    const roundTrip = async () => {
      const i = seq++;
      const atAgent = next<Message>(agentB.socket, 'message:new', (m) => m.clientId === `c-${i}`);
      await ok(emit(calm.socket, 'message:send', { clientId: `c-${i}`, text: 'ping' }));
      await atAgent;
      const back = next<Message>(calm.socket, 'message:new', (m) => m.clientId === `b-${i}`);
      await ok(
        emit(agentB.socket, 'message:send', { conversationId: calmConversation, clientId: `b-${i}`, text: 'pong' }),
      );
      await back;
    };
    for (let i = 0; i < 3; i++) await roundTrip();

    /** Agent A pours large messages into the other visitor's conversation while the calm pair chats. */
    const big = 'x'.repeat(4000);
    const pouredWhile = async (tag: string) => {
      let pouring = true;
      let poured = 0;
      const pour = (async () => {
        while (pouring) {
          await Promise.all(
            Array.from({ length: 5 }, () =>
              ok(
                emit(agentA.socket, 'message:send', {
                  conversationId: stalledConversation,
                  clientId: `${tag}-${poured++}`,
                  text: big,
                }),
              ),
            ),
          );
        }
      })();
      // the calm pair's ten round trips all complete meanwhile (how fast is the bench's business, not a test's)
      for (let i = 0; i < 10; i++) await roundTrip();
      pouring = false;
      await pour;
      return { poured };
    };

    // Control: the same load while the other visitor reads normally.
    const control = await pouredWhile('read');
    await eventually(() =>
      expect(stalled.messages.filter((m) => m.clientId?.startsWith('read-')).length).toBe(control.poured),
    );

    // Stall the visitor: its TCP socket stops reading, as a frozen tab or a dead network would.
    const transport = stalled.socket.io.engine.transport as unknown as {
      ws?: { _socket?: { pause(): void; resume(): void } };
    };
    const tcp = transport.ws?._socket;
    expect(tcp, 'websocket transport with a TCP socket').toBeTruthy();
    tcp!.pause();
    const stalledRun = await pouredWhile('stall');
    const gotWhileStalled = stalled.messages.filter((m) => m.clientId?.startsWith('stall-')).length;

    // The calm pair kept chatting while 50+ messages poured at a visitor that reads nothing.
    expect(stalledRun.poured).toBeGreaterThan(50);
    // The server buffered for the stalled visitor instead of waiting for it.
    expect(gotWhileStalled).toBeLessThan(stalledRun.poured);

    // When it reads again, everything arrives, in order.
    tcp!.resume();
    await eventually(
      () => expect(stalled.messages.filter((m) => m.clientId?.startsWith('stall-')).length).toBe(stalledRun.poured),
      20_000,
    );
    const seqs = stalled.messages.map((m: Message) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    for (const sock of [stalled.socket, calm.socket, agentA.socket, agentB.socket]) sock.close();
    expectNoCrashLogs(server);
  }, 60_000);
});
