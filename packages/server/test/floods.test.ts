import type { Ack, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedVisitor, expectNoCrashLogs, roundTrip, visitorHandshake } from './helpers/adversary.js';
import { api, emit, eventually, login, sleep } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Floods: per-visitor and per-site message limits, the per-socket event budget that cuts a flooder off,
 * and the per-IP connection cap. Clients act from distinct addresses on 127.0.0.0/8 (loopback is not
 * exempt here: PARLEY_TRUST_LOOPBACK=false).
 */
const VISITOR_LIMIT = 40;
const SITE_LIMIT = 100;
const EVENT_LIMIT = 400;
const PER_IP = 10;
let server: RunningServer;
let admin: string;
const servers: RunningServer[] = [];

const newSite = async (name: string) =>
  (await api(server.url, '/api/sites', { token: admin, body: { name, allowedOrigins: [] } })).body as {
    id: string;
    key: string;
  };

beforeAll(async () => {
  server = await startServer({
    env: {
      PARLEY_VISITOR_MSG_LIMIT: String(VISITOR_LIMIT),
      PARLEY_SITE_MSG_LIMIT: String(SITE_LIMIT),
      PARLEY_VISITOR_EVENT_LIMIT: String(EVENT_LIMIT),
      PARLEY_MAX_CONNECTIONS_PER_IP: String(PER_IP),
      PARLEY_TRUST_LOOPBACK: 'false',
    },
  });
  servers.push(server);
  admin = await login(server.url);
});
afterAll(async () => {
  for (const s of servers) {
    expectNoCrashLogs(s);
    await s.stop();
    removeDir(s.dataDir);
  }
});

const calmSend = (socket: import('socket.io-client').Socket, clientId: string) =>
  emit<{ message: Message }>(socket, 'message:send', { clientId, text: 'calm message' });

describe('message floods', () => {
  it('cuts a flooding client off with a clear error while a calm visitor keeps being served', async () => {
    const site = await newSite('Flooded');
    const calm = await connectedVisitor(server.url, site.key, { localAddress: '127.0.0.40' });
    expect((await calmSend(calm.socket, 'before')).ok).toBe(true);

    const flooder = await connectedVisitor(server.url, site.key, { localAddress: '127.0.0.41' });
    const typist = await connectedVisitor(server.url, site.key, { localAddress: '127.0.0.42' });
    const cutOff: string[] = [];
    flooder.socket.on('disconnect', (reason) => cutOff.push(`flooder ${reason}`));
    typist.socket.on('disconnect', (reason) => cutOff.push(`typist ${reason}`));
    const acks: Promise<Ack | null>[] = [];
    let flooding = true;
    const flood = (async () => {
      let i = 0;
      while (flooding && (flooder.socket.connected || typist.socket.connected)) {
        for (let j = 0; j < 50; j++, i++) {
          if (flooder.socket.connected)
            acks.push(
              emit(flooder.socket, 'message:send', { clientId: `f-${i}`, text: 'spam' }, 3000).catch(() => null),
            );
          if (typist.socket.connected) typist.socket.emit('typing', { typing: true, preview: `spam ${i}` });
        }
        await sleep(5);
      }
    })();
    const calmResults: boolean[] = [];
    for (let i = 0; i < 15; i++) calmResults.push((await calmSend(calm.socket, `during-${i}`)).ok);
    await eventually(() =>
      expect(cutOff.sort()).toEqual(['flooder io server disconnect', 'typist io server disconnect']),
    );
    flooding = false;
    await flood;
    const answers = (await Promise.all(acks)).filter((a): a is Ack => a !== null);

    // The calm visitor was served throughout, and stays connected (how fast is the bench's business, not a
    // test's).
    expect(calmResults).toEqual(Array(15).fill(true));
    expect(calm.socket.connected).toBe(true);

    // The flooder: at most its message limit stored, then rate_limited, then cut off with a clear error.
    const accepted = answers.filter((a) => a.ok).length;
    expect(accepted).toBeLessThanOrEqual(VISITOR_LIMIT);
    const refusals = answers.filter((a): a is Extract<Ack, { ok: false }> => !a.ok);
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals.map((r) => r.error.code))).toEqual(new Set(['rate_limited']));
    expect(refusals.some((r) => /connection is closed/.test(r.error.message))).toBe(true);
    expect(server.logs.some((l) => l.msg === 'visitor flooding: connection cut off')).toBe(true);
    calm.socket.close();
  });

  it('caps the messages of one site across all its visitors; other sites are unaffected', async () => {
    const busy = await newSite('Busy site');
    const quiet = await newSite('Quiet site');
    const visitors = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        connectedVisitor(server.url, busy.key, { localAddress: `127.0.0.${50 + i}` }),
      ),
    );
    const results = await Promise.all(
      visitors.flatMap((v, i) =>
        Array.from({ length: 25 }, (_, j) => emit(v.socket, 'message:send', { clientId: `s-${i}-${j}`, text: 'busy' })),
      ),
    );
    const accepted = results.filter((r) => r.ok).length;
    expect(accepted).toBe(SITE_LIMIT);
    const refused = results.filter((r): r is Extract<Ack, { ok: false }> => !r.ok);
    expect(refused.length).toBe(150 - SITE_LIMIT);
    for (const r of refused) {
      expect(r.error.code).toBe('rate_limited');
      expect(r.error.message).toMatch(/this chat is receiving too many messages/);
    }
    const other = await connectedVisitor(server.url, quiet.key, { localAddress: '127.0.0.60' });
    expect((await emit(other.socket, 'message:send', { clientId: 'q1', text: 'hello' })).ok).toBe(true);
    for (const v of [...visitors, other]) v.socket.close();
  });
});

describe('connection floods', () => {
  it(`refuses more than ${PER_IP} connections from one address with rate_limited; others still connect`, async () => {
    const site = await newSite('Connections');
    const open = [];
    for (let i = 0; i < PER_IP; i++) {
      const res = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.70' });
      expect(res.ok, `connection ${i + 1}`).toBe(true);
      if (res.ok) open.push(res.socket);
    }
    const over = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.70' });
    expect(over).toEqual({ ok: false, code: 'rate_limited' });
    const neighbour = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.71' });
    expect(neighbour.ok).toBe(true);
    if (neighbour.ok) neighbour.socket.close();
    // A freed slot can be used again.
    open.pop()?.close();
    await eventually(async () => {
      const again = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.70' });
      expect(again.ok).toBe(true);
      if (again.ok) open.push(again.socket);
    });
    for (const s of open) s.close();
  });

  it('exempts loopback by default (a reverse proxy on the same host), but not other addresses', async () => {
    const trusting = await startServer({ env: { PARLEY_MAX_CONNECTIONS_PER_IP: '2' } });
    servers.push(trusting);
    const token = await login(trusting.url);
    const key = (await api(trusting.url, '/api/sites', { token })).body.sites[0].key as string;
    const sockets = [];
    for (let i = 0; i < 5; i++) {
      const res = await visitorHandshake(trusting.url, { siteKey: key });
      expect(res.ok, `loopback connection ${i + 1}`).toBe(true);
      if (res.ok) sockets.push(res.socket);
    }
    for (let i = 0; i < 2; i++) {
      const res = await visitorHandshake(trusting.url, { siteKey: key }, { localAddress: '127.0.0.80' });
      expect(res.ok).toBe(true);
      if (res.ok) sockets.push(res.socket);
    }
    expect(await visitorHandshake(trusting.url, { siteKey: key }, { localAddress: '127.0.0.80' })).toEqual({
      ok: false,
      code: 'rate_limited',
    });
    for (const s of sockets) s.close();
  });
  it('behind a proxy on this host, counts each client it forwards rather than the proxy', async () => {
    const proxied = await startServer({ env: { PARLEY_MAX_CONNECTIONS_PER_IP: '2' } });
    servers.push(proxied);
    const token = await login(proxied.url);
    const key = (await api(proxied.url, '/api/sites', { token })).body.sites[0].key as string;
    const through = (forwardedFor: string) =>
      visitorHandshake(proxied.url, { siteKey: key }, { localAddress: '127.0.0.1', forwardedFor });
    const sockets = [];
    for (let i = 0; i < 2; i++) {
      const res = await through('203.0.113.50');
      expect(res.ok, `connection ${i + 1} of one client`).toBe(true);
      if (res.ok) sockets.push(res.socket);
    }
    // Before, the proxy's own address was counted, and loopback was exempt: no cap at all behind it.
    expect(await through('203.0.113.50')).toEqual({ ok: false, code: 'rate_limited' });
    const neighbour = await through('203.0.113.51');
    expect(neighbour.ok).toBe(true);
    if (neighbour.ok) sockets.push(neighbour.socket);
    for (const s of sockets) s.close();
  });
});

describe('after the floods', () => {
  it('still chats normally: a full visitor → agent → visitor round trip', async () => {
    const key = (await api(server.url, '/api/sites', { token: admin })).body.sites[0].key as string;
    await roundTrip(server.url, key, admin, 'after-floods');
  });
});
