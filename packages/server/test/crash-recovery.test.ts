import type { Message } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { api, connectVisitor, defaultSiteKey, emit, login, sleep } from './helpers/clients.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * Sends a storm of messages, SIGKILLs the server in the middle, restarts it on the same data, and checks
 * that every acknowledged message is stored exactly once; then the client retries the rest (same
 * clientIds), as the widget's outbox does, and nothing is doubled.
 */
async function stormKillRestart(env: Record<string, string>, dataDir?: string) {
  let server: RunningServer = await startServer({ env, ...(dataDir ? { dataDir } : {}) });
  cleanups.push(() => server.stop('SIGKILL').then(() => undefined));
  const admin = await login(server.url);
  const siteKey = await defaultSiteKey(server.url, admin);
  const visitor = await connectVisitor(server.url, siteKey);
  const acked = new Map<string, Message>();
  const all: string[] = [];
  let killed = false;
  let pending = 0;
  // 25 lanes, each sending its next message as soon as the previous one is answered, until the kill.
  const lane = async () => {
    while (!killed) {
      const clientId = `storm-${all.length}`;
      all.push(clientId);
      pending++;
      const res = await emit<{ message: Message }>(
        visitor.socket,
        'message:send',
        { clientId, text: `text of ${clientId}` },
        3000,
      ).catch(() => null);
      pending--;
      if (res?.ok) acked.set(clientId, res.message);
    }
  };
  const storm = Promise.all(Array.from({ length: 25 }, lane));
  while (acked.size < 60) await sleep(2);
  const inFlightAtKill = pending;
  server.proc.kill('SIGKILL');
  killed = true;
  await server.exited;
  await storm;
  visitor.socket.close();
  // Killed mid-storm: messages were on the wire, unanswered, when the process died.
  expect(inFlightAtKill).toBeGreaterThan(0);
  expect(acked.size).toBeGreaterThan(0);

  server = await startServer({ env, dataDir: server.dataDir });
  const token = await login(server.url);
  const conversationId = [...acked.values()][0]!.conversationId;
  const stored = (await api(server.url, `/api/conversations/${conversationId}/messages`, { token })).body
    .messages as Message[];
  const byClient = new Map<string, number>();
  for (const m of stored) byClient.set(m.clientId!, (byClient.get(m.clientId!) ?? 0) + 1);
  for (const [clientId, message] of acked) {
    expect(byClient.get(clientId), clientId).toBe(1);
    expect(stored.find((m) => m.clientId === clientId)?.seq).toBe(message.seq);
  }
  expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));

  // The client retries everything (it cannot know what was stored but not acknowledged).
  const again = await connectVisitor(server.url, siteKey, { visitorToken: visitor.session.visitorToken });
  for (let i = 0; i < all.length; i += 25) {
    await Promise.all(
      all
        .slice(i, i + 25)
        .map((clientId) => emit(again.socket, 'message:send', { clientId, text: `text of ${clientId}` })),
    );
  }
  const final = (await api(server.url, `/api/conversations/${conversationId}/messages`, { token })).body
    .messages as Message[];
  expect(final.map((m) => m.clientId).sort()).toEqual([...all].sort());
  expect(final.map((m) => m.seq)).toEqual(final.map((_, i) => i + 1));
  again.socket.close();
  return server;
}

describe('crash recovery', () => {
  it('SIGKILL mid-storm on the embedded store keeps every acknowledged message exactly once', async () => {
    const server = await stormKillRestart({ PARLEY_VISITOR_MSG_LIMIT: '100000' });
    cleanups.push(() => removeDir(server.dataDir));
  }, 120_000);

  it('SIGKILL mid-storm on PostgreSQL keeps every acknowledged message exactly once', async (ctx) => {
    if (!(await requirePostgres())) return ctx.skip();
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    await stormKillRestart({ PARLEY_VISITOR_MSG_LIMIT: '100000', DATABASE_URL: database.url });
  }, 120_000);

  it('SIGTERM finishes in-flight writes, tells clients, and exits 0 within 10 s', async () => {
    const server = await startServer({ env: { PARLEY_VISITOR_MSG_LIMIT: '100000' } });
    cleanups.push(() => removeDir(server.dataDir));
    const admin = await login(server.url);
    const siteKey = await defaultSiteKey(server.url, admin);
    const visitor = await connectVisitor(server.url, siteKey);
    let told = false;
    visitor.socket.on('server:shutdown', () => {
      told = true;
    });
    const acked: string[] = [];
    const sends = Array.from({ length: 50 }, (_, i) =>
      emit(visitor.socket, 'message:send', { clientId: `t-${i}`, text: 'bye' }, 5000)
        .then((r) => {
          if (r.ok) acked.push(`t-${i}`);
        })
        .catch(() => {}),
    );
    await sleep(20);
    const started = Date.now();
    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await Promise.all(sends);
    expect(told).toBe(true);
    const restarted = await startServer({ dataDir: server.dataDir });
    cleanups.push(() => restarted.stop().then(() => undefined));
    const token = await login(restarted.url);
    const list = (await api(restarted.url, '/api/conversations', { token })).body.conversations;
    const stored = list.length
      ? ((await api(restarted.url, `/api/conversations/${list[0].id}/messages`, { token })).body.messages as Message[])
      : [];
    const storedIds = new Set(stored.map((m) => m.clientId));
    for (const id of acked) expect(storedIds.has(id)).toBe(true);
  }, 60_000);
});
