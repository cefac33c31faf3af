import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../src/coord/coordinator.js';
import { MemoryCoordinator } from '../src/coord/memory-coordinator.js';
import { COMMAND_TIMEOUT_MS, type CommandClient, createCommandClient } from '../src/coord/redis-client.js';
import { RedisCoordinator } from '../src/coord/redis-coordinator.js';
import { createLogger } from '../src/logger.js';
import { deletePrefix, REDIS_URL, services, sleep, startOwnRedis, testPrefix } from './helpers/cluster.js';

/**
 * One contract, two implementations: every case runs against the in-process coordinator and the Redis one.
 * Redis-only cases (several processes, crashes, flushes, outages) follow below.
 */

const log = createLogger('silent');
const HEARTBEAT_MS = 100;
const redis = await services({ redis: true });

type Factory = { name: string; make(): Promise<Coordinator>; cleanup(): Promise<void> };

const memoryFactory: Factory = {
  name: 'memory',
  async make() {
    return new MemoryCoordinator();
  },
  async cleanup() {},
};

function redisFactory(): Factory {
  const prefix = testPrefix();
  const clients: CommandClient[] = [];
  return {
    name: 'redis',
    async make() {
      redis.assert();
      const client = createCommandClient(REDIS_URL, log, 'test');
      await client.connect();
      clients.push(client);
      return new RedisCoordinator(client, { prefix, heartbeatMs: HEARTBEAT_MS });
    },
    async cleanup() {
      for (const c of clients.splice(0)) c.destroy();
      await deletePrefix(REDIS_URL, prefix);
    },
  };
}

const implementations = [memoryFactory, ...(redis.run ? [redisFactory()] : [])];

describe.each(implementations)('coordinator contract: $name', (factory) => {
  let coord: Coordinator;
  let n = 0;
  const agent = () => `agent-${++n}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    coord = await factory.make();
  });
  afterAll(async () => {
    await coord?.close();
    await factory.cleanup();
  });

  it('answers ping', async () => {
    expect(await coord.ping()).toBe(true);
  });

  it('treats an unknown agent as online but not connected', async () => {
    const p = await coord.presence(agent());
    expect(p.status).toBe('online');
    expect(p.connected).toBe(false);
    expect(typeof p.lastSeenAt).toBe('number');
  });

  it('marks an agent connected while any connection is open', async () => {
    const id = agent();
    const before = Date.now();
    const p1 = await coord.agentConnected(id, 'c1');
    expect(p1).toMatchObject({ agentId: id, connected: true, status: 'online' });
    expect(p1.since).toBeGreaterThanOrEqual(before - 5);
    await coord.agentConnected(id, 'c2');
    expect((await coord.agentDisconnected(id, 'c1')).connected).toBe(true);
    expect((await coord.presence(id)).connected).toBe(true);
    const atDisconnect = Date.now();
    const gone = await coord.agentDisconnected(id, 'c2');
    expect(gone.connected).toBe(false);
    expect(gone.lastSeenAt).toBeGreaterThanOrEqual(atDisconnect - 5);
    expect((await coord.presence(id)).connected).toBe(false);
  });

  it('keeps lastSeenAt at the disconnect time while the agent stays away', async () => {
    const id = agent();
    await coord.agentConnected(id, 'c1');
    const gone = await coord.agentDisconnected(id, 'c1');
    await sleep(60);
    const later = await coord.presence(id);
    expect(later.lastSeenAt).toBe(gone.lastSeenAt);
  });

  it('ignores a disconnect of an unknown connection', async () => {
    const id = agent();
    await coord.agentConnected(id, 'c1');
    expect((await coord.agentDisconnected(id, 'nope')).connected).toBe(true);
  });

  it('keeps the status per agent across connections and restarts `since` on change only', async () => {
    const id = agent();
    await coord.agentConnected(id, 'c1');
    await sleep(5);
    const away = await coord.setAgentStatus(id, 'away');
    expect(away.status).toBe('away');
    await sleep(5);
    const again = await coord.setAgentStatus(id, 'away');
    expect(again.since).toBe(away.since);
    await coord.agentDisconnected(id, 'c1');
    expect((await coord.agentConnected(id, 'c2')).status).toBe('away');
    await sleep(5);
    const online = await coord.setAgentStatus(id, 'online');
    expect(online.status).toBe('online');
    expect(online.since).toBeGreaterThan(away.since);
  });

  it('restarts `since` when an agent comes back after having no connection', async () => {
    const id = agent();
    const first = await coord.agentConnected(id, 'c1');
    await sleep(5);
    expect((await coord.agentConnected(id, 'c2')).since).toBe(first.since);
    await coord.agentDisconnected(id, 'c1');
    await coord.agentDisconnected(id, 'c2');
    await sleep(5);
    expect((await coord.agentConnected(id, 'c3')).since).toBeGreaterThan(first.since);
  });

  it('lists every known agent in allPresence', async () => {
    const a = agent();
    const b = agent();
    await coord.agentConnected(a, 'c1');
    await coord.agentConnected(b, 'c1');
    await coord.setAgentStatus(b, 'away');
    await coord.agentDisconnected(b, 'c1');
    const all = new Map((await coord.allPresence()).map((p) => [p.agentId, p]));
    expect(all.get(a)).toMatchObject({ connected: true, status: 'online' });
    expect(all.get(b)).toMatchObject({ connected: false, status: 'away' });
  });

  it('counts hits in a window that starts at the first hit', async () => {
    const key = `rate:test:${agent()}`;
    expect(await coord.count(key)).toBe(0);
    expect(await coord.increment(key, 300)).toBe(1);
    expect(await coord.increment(key, 300)).toBe(2);
    await sleep(100);
    expect(await coord.increment(key, 300)).toBe(3);
    expect(await coord.count(key)).toBe(3);
    await sleep(280);
    expect(await coord.count(key)).toBe(0);
    expect(await coord.increment(key, 300)).toBe(1);
  });

  it('keeps counters apart and resets one', async () => {
    const a = `rate:a:${agent()}`;
    const b = `rate:b:${agent()}`;
    await coord.increment(a, 10_000);
    await coord.increment(a, 10_000);
    await coord.increment(b, 10_000);
    await coord.reset(a);
    expect(await coord.count(a)).toBe(0);
    expect(await coord.count(b)).toBe(1);
    await coord.reset('rate:never-used');
  });

  it('counts concurrent increments exactly', async () => {
    const key = `rate:burst:${agent()}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => coord.increment(key, 10_000)));
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe.skipIf(!redis.run)('redis coordinator across processes', () => {
  const prefix = testPrefix();
  const clients: CommandClient[] = [];
  const coords: Coordinator[] = [];
  const make = async (url = REDIS_URL, p = prefix) => {
    redis.assert();
    const client = createCommandClient(url, log, 'test');
    await client.connect();
    clients.push(client);
    const coord = new RedisCoordinator(client, { prefix: p, heartbeatMs: HEARTBEAT_MS });
    coords.push(coord);
    return { client, coord };
  };
  afterEach(async () => {
    for (const c of coords.splice(0)) await c.close().catch(() => {});
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    if (redis.run) await deletePrefix(REDIS_URL, prefix);
  });

  it('shares presence between processes; an agent is connected while any process holds a connection', async () => {
    const a = await make();
    const b = await make();
    await a.coord.agentConnected('shared-1', 'a1');
    expect((await b.coord.presence('shared-1')).connected).toBe(true);
    await b.coord.agentConnected('shared-1', 'b1');
    await a.coord.agentDisconnected('shared-1', 'a1');
    expect((await a.coord.presence('shared-1')).connected).toBe(true);
    await b.coord.agentDisconnected('shared-1', 'b1');
    expect((await a.coord.presence('shared-1')).connected).toBe(false);
    await b.coord.setAgentStatus('shared-1', 'away');
    expect((await a.coord.presence('shared-1')).status).toBe('away');
    expect((await a.coord.allPresence()).map((p) => p.agentId)).toContain('shared-1');
  });

  it("takes a crashed process's agents offline after three missed heartbeats, keeping lastSeenAt", async () => {
    const a = await make();
    const b = await make();
    await a.coord.agentConnected('crash-1', 'a1');
    await sleep(HEARTBEAT_MS * 2);
    a.client.destroy(); // the process dies: no disconnect, no more heartbeats
    const diedAt = Date.now();
    expect((await b.coord.presence('crash-1')).connected).toBe(true);
    await sleep(HEARTBEAT_MS * 3 + 100);
    const p = await b.coord.presence('crash-1');
    expect(p.connected).toBe(false);
    expect(p.lastSeenAt).toBeLessThanOrEqual(diedAt + 5);
    expect(p.lastSeenAt).toBeGreaterThan(diedAt - HEARTBEAT_MS * 2);
    await sleep(50);
    expect((await b.coord.presence('crash-1')).lastSeenAt).toBe(p.lastSeenAt);
  });

  it('rebuilds its own presence after the keys are flushed', async () => {
    const p = testPrefix();
    const a = await make(REDIS_URL, p);
    const b = await make(REDIS_URL, p);
    await a.coord.agentConnected('flush-1', 'a1');
    await a.coord.setAgentStatus('flush-1', 'away');
    await deletePrefix(REDIS_URL, p); // what FLUSHALL does to us, without touching anyone else's keys
    await sleep(HEARTBEAT_MS * 2 + 50);
    expect(await b.coord.presence('flush-1')).toMatchObject({ connected: true, status: 'away' });
    expect((await b.coord.allPresence()).map((x) => x.agentId)).toContain('flush-1');
    await deletePrefix(REDIS_URL, p);
  });

  it('keeps answering while Redis is down (in-process counters, last known presence) and recovers by itself', async () => {
    const own = await startOwnRedis();
    try {
      const p = testPrefix();
      const a = await make(own.url, p);
      const b = await make(own.url, p);
      await a.coord.agentConnected('outage-1', 'a1');
      expect((await b.coord.presence('outage-1')).connected).toBe(true);
      const downAt = Date.now();
      await own.stop();
      await sleep(100);
      expect(await a.coord.ping()).toBe(false);
      // Rate counters fall back to this process's own counts.
      expect(await a.coord.increment('rate:x', 10_000)).toBe(1);
      expect(await a.coord.increment('rate:x', 10_000)).toBe(2);
      expect(await a.coord.count('rate:x')).toBe(2);
      // Presence: another process answers from the last view Redis gave it; this one from its own sockets.
      expect(await b.coord.presence('outage-1')).toMatchObject({ connected: true, status: 'online' });
      expect(await a.coord.agentConnected('outage-2', 'a2')).toMatchObject({ connected: true });
      expect(await a.coord.setAgentStatus('outage-2', 'away')).toMatchObject({ connected: true, status: 'away' });
      expect((await a.coord.allPresence()).map((x) => x.agentId).sort()).toEqual(['outage-1', 'outage-2']);
      // Someone this process never heard of: not connected, but no grace period runs out on a guess.
      const stranger = await b.coord.presence('outage-3');
      expect(stranger.connected).toBe(false);
      expect(stranger.lastSeenAt).toBeGreaterThanOrEqual(downAt);

      await own.start(); // an empty Redis: everything must come back from the processes themselves
      await expect.poll(() => a.coord.ping(), { timeout: 10_000, interval: 100 }).toBe(true);
      const seenByB = async (id: string) => {
        const seen = await b.coord.presence(id);
        return `${seen.connected} ${seen.status}`;
      };
      await expect.poll(() => seenByB('outage-1'), { timeout: 10_000 }).toBe('true online');
      // The connection and the status set during the outage reach the other process.
      await expect.poll(() => seenByB('outage-2'), { timeout: 10_000 }).toBe('true away');
      // Redis counts again (from zero: the outage's in-process counts are not carried over).
      expect(await a.coord.increment('rate:x', 1000)).toBe(1);
    } finally {
      await own.stop();
    }
  });

  it('treats a stalled Redis (command timeouts) as unreachable: answers meanwhile, shares the status afterwards', async () => {
    const own = await startOwnRedis();
    const admin = createClient({ url: own.url });
    admin.on('error', () => {});
    try {
      await admin.connect();
      const p = testPrefix();
      const a = await make(own.url, p);
      const b = await make(own.url, p);
      await a.coord.agentConnected('stall-1', 'a1');
      expect(await b.coord.presence('stall-1')).toMatchObject({ connected: true, status: 'online' });
      await a.coord.increment('rate:stall', 10_000);
      expect(await a.coord.increment('rate:stall', 10_000)).toBe(2);
      // Redis keeps its data but answers nothing for a while: every command times out.
      // Long enough that both commands below time out even on a loaded machine.
      await admin.sendCommand(['CLIENT', 'PAUSE', String(COMMAND_TIMEOUT_MS * 5), 'ALL']);
      expect(await a.coord.setAgentStatus('stall-1', 'away')).toMatchObject({ status: 'away' });
      // Answered by this process's own counter (Redis would say 3 once it wakes up).
      expect(await a.coord.increment('rate:stall', 10_000)).toBe(1);
      const seenByB = async () => {
        const seen = await b.coord.presence('stall-1');
        return `${seen.connected} ${seen.status}`;
      };
      await expect.poll(seenByB, { timeout: 15_000, interval: 200 }).toBe('true away');
    } finally {
      admin.destroy();
      await own.stop();
    }
  });
});
