import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AgentStatus } from '@parley/protocol';
import type { Config } from '../config.js';
import { isUnavailable } from '../driver-errors.js';
import type { Logger } from '../logger.js';
import type { AgentPresence, Coordinator } from './coordinator.js';
import { MemoryCoordinator } from './memory-coordinator.js';
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
  /** Runs at the end of close(): releases what the coordinator runs on (connections, fan-out). */
  release?: () => Promise<void>;
};

const DEFAULT_HEARTBEAT_MS = 2000;

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
export class RedisCoordinator implements Coordinator {
  readonly kind = 'redis';
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly processId: string;
  /** This process's live connections per agent, and the last status it knew for them. */
  private readonly local = new Map<string, { connections: Set<string>; status: AgentStatus }>();
  /** The last presence Redis gave per agent: what presence reads answer while Redis is unreachable. */
  private readonly known = new Map<string, AgentPresence>();
  /** Agents whose status was set while Redis was unreachable: written once it answers again. */
  private readonly unsentStatus = new Set<string>();
  /** Rate counters while Redis is unreachable. */
  private readonly spare: MemoryCoordinator;
  private outageSince: number | null = null;
  private beating: Promise<unknown> | null = null;
  private failing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: CommandClient,
    private readonly opts: RedisCoordinatorOptions,
  ) {
    this.prefix = opts.prefix;
    this.now = opts.now ?? Date.now;
    const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.ttlMs = heartbeatMs * 3;
    this.processId = opts.processId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.spare = new MemoryCoordinator(this.now);
    this.timer = setInterval(() => this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  private common() {
    return [this.prefix, String(this.now())];
  }

  private remember(p: AgentPresence) {
    const entry = this.local.get(p.agentId);
    if (entry) entry.status = p.status;
    this.known.set(p.agentId, p);
    this.outageSince = null;
    return p;
  }

  /** Runs a Redis step; while Redis is unreachable, answers `fallback()` instead (other errors propagate). */
  private async orElse<T>(step: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    try {
      return await withinDeadline(step());
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.outageSince ??= this.now();
      return fallback();
    }
  }

  /** Presence as this process knows it without Redis (see above). */
  private offlineView(agentId: string): AgentPresence {
    const t = this.now();
    const mine = this.local.get(agentId);
    const last = this.known.get(agentId);
    if (mine && mine.connections.size > 0)
      return { agentId, status: mine.status, connected: true, lastSeenAt: t, since: last?.since ?? t };
    const seenFloor = this.outageSince ?? t;
    if (last) return { ...last, lastSeenAt: last.connected ? t : Math.max(last.lastSeenAt, seenFloor) };
    return { agentId, status: 'online', connected: false, lastSeenAt: seenFloor, since: seenFloor };
  }

  private setConnections(agentId: string) {
    const entry = this.local.get(agentId);
    const count = entry?.connections.size ?? 0;
    if (entry && count === 0) this.local.delete(agentId);
    const args = [
      ...this.common(),
      agentId,
      this.processId,
      String(count),
      String(this.ttlMs),
      entry?.status ?? 'online',
    ];
    return this.orElse(
      async () => this.remember(toPresence((await this.client.setConnections(args)) as unknown[])),
      () => {
        // This process saw its last connection of the agent go: that is the best guess for everyone here.
        if (count === 0)
          this.known.set(agentId, { ...this.offlineView(agentId), connected: false, lastSeenAt: this.now() });
        return this.offlineView(agentId);
      },
    );
  }

  private async setStatus(agentId: string, status: AgentStatus) {
    return this.remember(toPresence((await this.client.setStatus([...this.common(), agentId, status])) as unknown[]));
  }

  private async sendUnsentStatuses() {
    for (const agentId of this.unsentStatus) {
      const status = this.local.get(agentId)?.status ?? this.known.get(agentId)?.status;
      if (status) await this.setStatus(agentId, status);
      this.unsentStatus.delete(agentId);
    }
  }

  private heartbeat() {
    if (this.beating) return this.beating;
    const args = [...this.common(), this.processId, String(this.ttlMs)];
    for (const [agentId, entry] of this.local)
      if (entry.connections.size > 0) args.push(agentId, String(entry.connections.size), entry.status);
    this.beating = withinDeadline(this.client.heartbeat(args))
      .then(() => {
        if (this.failing) this.opts.log?.info('presence heartbeat restored');
        this.failing = false;
        this.outageSince = null;
        return this.sendUnsentStatuses();
      })
      .catch((error) => {
        // Redis being unreachable is logged once by the connection (redis-client.ts createRedisHealth).
        if (isUnavailable(error)) return;
        if (!this.failing) this.opts.log?.warn({ err: error }, 'presence heartbeat failed; retrying');
        this.failing = true;
      })
      .finally(() => {
        this.beating = null;
      });
    return this.beating;
  }

  async agentConnected(agentId: string, connectionId: string) {
    let entry = this.local.get(agentId);
    if (!entry) {
      entry = { connections: new Set(), status: 'online' };
      this.local.set(agentId, entry);
    }
    entry.connections.add(connectionId);
    return this.setConnections(agentId);
  }

  async agentDisconnected(agentId: string, connectionId: string) {
    this.local.get(agentId)?.connections.delete(connectionId);
    return this.setConnections(agentId);
  }

  async setAgentStatus(agentId: string, status: AgentStatus) {
    const entry = this.local.get(agentId);
    if (entry) entry.status = status;
    return this.orElse(
      () => this.setStatus(agentId, status),
      () => {
        this.unsentStatus.add(agentId);
        const view = { ...this.offlineView(agentId), status };
        this.known.set(agentId, view);
        return view;
      },
    );
  }

  async presence(agentId: string) {
    return this.orElse(
      async () => this.remember(toPresence((await this.client.presence([...this.common(), agentId])) as unknown[])),
      () => this.offlineView(agentId),
    );
  }

  async allPresence() {
    return this.orElse(
      async () => {
        const flat = (await this.client.allPresence(this.common())) as unknown[];
        const out: AgentPresence[] = [];
        for (let i = 0; i + 4 < flat.length; i += 5) out.push(this.remember(toPresence(flat.slice(i, i + 5))));
        return out;
      },
      () => [...new Set([...this.known.keys(), ...this.local.keys()])].map((id) => this.offlineView(id)),
    );
  }

  async increment(key: string, windowMs: number) {
    return this.orElse(
      () => this.client.increment(`${this.prefix}${key}`, windowMs),
      () => this.spare.increment(key, windowMs),
    );
  }

  async count(key: string) {
    return this.orElse(
      async () => Number((await this.client.sendCommand(['GET', `${this.prefix}${key}`])) ?? 0),
      () => this.spare.count(key),
    );
  }

  async reset(key: string) {
    await this.spare.reset(key);
    await this.orElse(
      async () => {
        await this.client.sendCommand(['DEL', `${this.prefix}${key}`]);
      },
      () => undefined,
    );
  }

  async ping() {
    if (!this.client.isReady) return false;
    try {
      return ((await this.client.sendCommand(['PING'], { timeout: COMMAND_TIMEOUT_MS })) as unknown) === 'PONG';
    } catch {
      return false;
    }
  }

  async close() {
    clearInterval(this.timer);
    await this.beating;
    await this.spare.close();
    // A clean stop: this process's connections end now (its agents were disconnected by the shutdown).
    if (this.client.isReady)
      await this.client.sendCommand(['DEL', `${this.prefix}proc:${this.processId}`]).catch(() => undefined);
    await this.opts.release?.();
  }
}

/** Connects to Redis and returns the coordinator plus the Socket.IO adapter that fans events out. */
export async function openRedisCoordination(
  config: Config,
  log: Logger,
): Promise<{ coord: Coordinator; adapter: Fanout['adapter']; onFanoutRecovered: Fanout['onRecovered'] }> {
  const url = config.redisUrl;
  if (!url) throw new Error('REDIS_URL is required for Redis coordination');
  const health = createRedisHealth(log);
  const client = createCommandClient(url, log, 'coordination', health);
  await connectWithin(client, 10_000, url.replace(/\/\/[^@]*@/, '//'));
  const fanout = await openFanout(url, config.redisPrefix, health);
  const coord = new RedisCoordinator(client, {
    prefix: config.redisPrefix,
    log,
    async release() {
      await fanout.close();
      client.destroy();
    },
  });
  log.info({ prefix: config.redisPrefix, fanout: 'streams' }, 'redis coordination ready');
  return { coord, adapter: fanout.adapter, onFanoutRecovered: fanout.onRecovered };
}
