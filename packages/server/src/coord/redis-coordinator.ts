import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AgentStatus } from '@parley/protocol';
import type { Config } from '../config.js';
import { isUnavailable } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { AgentPresence, Coordinator } from './coordinator.js';
import { createMemoryCoordinator } from './memory-coordinator.js';
import {
  COMMAND_TIMEOUT_MS,
  type CommandClient,
  connectWithin,
  createCommandClient,
  createRedisHealth,
} from './redis-client.js';
import { type Fanout, openFanout } from './redis-fanout.js';

export type RedisCoordinatorOptions = {
  prefix: string;
  /** How often this process re-asserts its agents' connections; their TTL is three heartbeats. */
  heartbeatMs?: number;
  processId?: string;
  now?: () => number;
  log?: Logger;
};

export const DEFAULT_HEARTBEAT_MS = 2000;

/** A Redis command that got no answer in time (isUnavailable knows the name). */
class CommandTimeout extends Error {
  override name = 'TimeoutError';
}

/**
 * node-redis's command timeout only covers a command still waiting to be written: one already sent to a
 * Redis that stalls (paused, swapping, overloaded) waits for ever. This bounds the wait itself.
 */
function withinDeadline<T>(pending: Promise<T>, ms = COMMAND_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeout(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

const toPresence = (fields: unknown[]): AgentPresence => ({
  agentId: String(fields[0]),
  status: String(fields[1]) as AgentStatus,
  connected: String(fields[2]) === '1',
  lastSeenAt: Number(fields[3]),
  since: Number(fields[4]),
});

/**
 * Coordination state in Redis, shared by every process. Presence is per process: each process keeps the
 * truth about its own sockets in memory and re-asserts it on every heartbeat (so a FLUSHALL or a Redis
 * restart heals by itself), and its connection hash expires after three missed heartbeats (so a crashed
 * process's agents go offline by themselves).
 *
 * While Redis is unreachable (isUnavailable: the connection is down, or a command timed out) nothing
 * fails; the coordinator answers from what this process knows, and is weaker meanwhile:
 * - rate counters count in this process only (memory coordinator), starting from zero when Redis went
 *   away and forgotten when it is back: a limit holds per process rather than across the cluster;
 * - presence reads answer from this process's own connections, else the last presence Redis gave for
 *   the agent (stale by up to the outage): changes made on other processes meanwhile are not seen;
 *   an agent known to be connected stays connected, and one this process knows nothing about counts as
 *   disconnected but seen when the outage began: no grace period runs out on a guess;
 * - presence writes land in memory and reach Redis with the next heartbeat (connections) or right after
 *   it (statuses set meanwhile).
 */
export function createRedisCoordinator(client: CommandClient, opts: RedisCoordinatorOptions): Coordinator {
  const prefix = opts.prefix;
  const now = opts.now ?? Date.now;
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = heartbeatMs * 3;
  const processId = opts.processId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** This process's live connections per agent, and the last status it knew for them. */
  const local = new Map<string, { connections: Set<string>; status: AgentStatus }>();
  /** The last presence Redis gave per agent: what presence reads answer while Redis is unreachable. */
  const known = new Map<string, AgentPresence>();
  /** Agents whose status was set while Redis was unreachable: written once it answers again. */
  const unsentStatus = new Set<string>();
  /** Rate counters while Redis is unreachable. */
  const spare = createMemoryCoordinator(now);
  let outageSince: number | null = null;

  const common = () => [prefix, String(now())];
  const remember = (p: AgentPresence) => {
    const entry = local.get(p.agentId);
    if (entry) entry.status = p.status;
    known.set(p.agentId, p);
    outageSince = null;
    return p;
  };
  /** Runs a Redis step; while Redis is unreachable, answers `fallback()` instead (other errors propagate). */
  const orElse = async <T>(step: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> => {
    try {
      return await withinDeadline(step());
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      outageSince ??= now();
      return fallback();
    }
  };
  /** Presence as this process knows it without Redis (see above). */
  const offlineView = (agentId: string): AgentPresence => {
    const t = now();
    const mine = local.get(agentId);
    const last = known.get(agentId);
    if (mine && mine.connections.size > 0)
      return { agentId, status: mine.status, connected: true, lastSeenAt: t, since: last?.since ?? t };
    const seenFloor = outageSince ?? t;
    if (last) return { ...last, lastSeenAt: last.connected ? t : Math.max(last.lastSeenAt, seenFloor) };
    return { agentId, status: 'online', connected: false, lastSeenAt: seenFloor, since: seenFloor };
  };
  const setConnections = (agentId: string) => {
    const entry = local.get(agentId);
    const count = entry?.connections.size ?? 0;
    if (entry && count === 0) local.delete(agentId);
    const args = [...common(), agentId, processId, String(count), String(ttlMs), entry?.status ?? 'online'];
    return orElse(
      async () => remember(toPresence((await client.setConnections(args)) as unknown[])),
      () => {
        // This process saw its last connection of the agent go: that is the best guess for everyone here.
        if (count === 0) known.set(agentId, { ...offlineView(agentId), connected: false, lastSeenAt: now() });
        return offlineView(agentId);
      },
    );
  };
  const setStatus = async (agentId: string, status: AgentStatus) =>
    remember(toPresence((await client.setStatus([...common(), agentId, status])) as unknown[]));
  const sendUnsentStatuses = async () => {
    for (const agentId of unsentStatus) {
      const status = local.get(agentId)?.status ?? known.get(agentId)?.status;
      if (status) await setStatus(agentId, status);
      unsentStatus.delete(agentId);
    }
  };

  let beating: Promise<unknown> | null = null;
  let failing = false;
  const heartbeat = () => {
    if (beating) return beating;
    const args = [...common(), processId, String(ttlMs)];
    for (const [agentId, entry] of local)
      if (entry.connections.size > 0) args.push(agentId, String(entry.connections.size), entry.status);
    beating = withinDeadline(client.heartbeat(args))
      .then(() => {
        if (failing) opts.log?.info('presence heartbeat restored');
        failing = false;
        outageSince = null;
        return sendUnsentStatuses();
      })
      .catch((error) => {
        // Redis being unreachable is logged once by the connection (redis-client.ts createRedisHealth).
        if (isUnavailable(error)) return;
        if (!failing) opts.log?.warn({ err: error }, 'presence heartbeat failed; retrying');
        failing = true;
      })
      .finally(() => {
        beating = null;
      });
    return beating;
  };
  const timer = setInterval(heartbeat, heartbeatMs);
  timer.unref();

  return {
    kind: 'redis',
    async agentConnected(agentId, connectionId) {
      let entry = local.get(agentId);
      if (!entry) {
        entry = { connections: new Set(), status: 'online' };
        local.set(agentId, entry);
      }
      entry.connections.add(connectionId);
      return setConnections(agentId);
    },
    async agentDisconnected(agentId, connectionId) {
      local.get(agentId)?.connections.delete(connectionId);
      return setConnections(agentId);
    },
    async setAgentStatus(agentId, status) {
      const entry = local.get(agentId);
      if (entry) entry.status = status;
      return orElse(
        () => setStatus(agentId, status),
        () => {
          unsentStatus.add(agentId);
          const view = { ...offlineView(agentId), status };
          known.set(agentId, view);
          return view;
        },
      );
    },
    async presence(agentId) {
      return orElse(
        async () => remember(toPresence((await client.presence([...common(), agentId])) as unknown[])),
        () => offlineView(agentId),
      );
    },
    async allPresence() {
      return orElse(
        async () => {
          const flat = (await client.allPresence(common())) as unknown[];
          const out: AgentPresence[] = [];
          for (let i = 0; i + 4 < flat.length; i += 5) out.push(remember(toPresence(flat.slice(i, i + 5))));
          return out;
        },
        () => [...new Set([...known.keys(), ...local.keys()])].map(offlineView),
      );
    },
    async increment(key, windowMs) {
      return orElse(
        () => client.increment(`${prefix}${key}`, windowMs),
        () => spare.increment(key, windowMs),
      );
    },
    async count(key) {
      return orElse(
        async () => Number((await client.sendCommand(['GET', `${prefix}${key}`])) ?? 0),
        () => spare.count(key),
      );
    },
    async reset(key) {
      await spare.reset(key);
      await orElse(
        async () => {
          await client.sendCommand(['DEL', `${prefix}${key}`]);
        },
        () => undefined,
      );
    },
    async ping() {
      if (!client.isReady) return false;
      try {
        return ((await client.sendCommand(['PING'], { timeout: COMMAND_TIMEOUT_MS })) as unknown) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      clearInterval(timer);
      await beating;
      await spare.close();
      // A clean stop: this process's connections end now (its agents were disconnected by the shutdown).
      if (client.isReady) await client.sendCommand(['DEL', `${prefix}proc:${processId}`]).catch(() => undefined);
    },
  };
}

/** Connects to Redis and returns the coordinator plus the Socket.IO adapter that fans events out. */
export async function createRedisCoordination(
  config: Config,
  log: Logger,
): Promise<{ coord: Coordinator; adapter: Fanout['adapter']; onFanoutRecovered: Fanout['onRecovered'] }> {
  const url = config.redisUrl;
  if (!url) throw new Error('REDIS_URL is required for Redis coordination');
  const health = createRedisHealth(log);
  const client = createCommandClient(url, log, 'coordination', health);
  await connectWithin(client, 10_000, url.replace(/\/\/[^@]*@/, '//'));
  const fanout = await openFanout(url, config.redisPrefix, health);
  const coord = createRedisCoordinator(client, { prefix: config.redisPrefix, log });
  log.info({ prefix: config.redisPrefix, fanout: 'streams' }, 'redis coordination ready');
  return {
    adapter: fanout.adapter,
    onFanoutRecovered: fanout.onRecovered,
    coord: {
      ...coord,
      async close() {
        await coord.close();
        await fanout.close();
        client.destroy();
      },
    },
  };
}
