import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AgentStatus } from '@parley/protocol';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AgentPresence, Coordinator } from './coordinator.js';
import { createFanoutAdapter, type FanoutAdapter } from './redis-adapter.js';
import { COMMAND_TIMEOUT_MS, commandClient, connectWithin, type RedisClient } from './redis-client.js';
import { ALL_PRESENCE, HEARTBEAT, INCREMENT, PRESENCE, SET_CONNECTIONS, SET_STATUS } from './redis-presence-scripts.js';

export type RedisCoordinatorOptions = {
  prefix: string;
  /** How often this process re-asserts its agents' connections; their TTL is three heartbeats. */
  heartbeatMs?: number;
  processId?: string;
  now?: () => number;
  log?: Logger;
};

export const DEFAULT_HEARTBEAT_MS = 2000;

/** Runs a Lua script by SHA, loading it again after a Redis restart (NOSCRIPT). */
function scriptRunner(client: RedisClient) {
  const shas = new Map<string, string>();
  return async (script: string, keys: string[], args: string[]): Promise<unknown> => {
    let sha = shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      shas.set(script, sha);
    }
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', sha, ...tail]);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', script, ...tail]);
    }
  };
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
 */
export function createRedisCoordinator(client: RedisClient, opts: RedisCoordinatorOptions): Coordinator {
  const prefix = opts.prefix;
  const now = opts.now ?? Date.now;
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = heartbeatMs * 3;
  const processId = opts.processId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const run = scriptRunner(client);
  /** This process's live connections per agent, and the last status it knew for them. */
  const local = new Map<string, { connections: Set<string>; status: AgentStatus }>();

  const common = () => [prefix, String(now())];
  const remember = (p: AgentPresence) => {
    const entry = local.get(p.agentId);
    if (entry) entry.status = p.status;
    return p;
  };
  const setConnections = async (agentId: string) => {
    const entry = local.get(agentId);
    const count = entry?.connections.size ?? 0;
    if (entry && count === 0) local.delete(agentId);
    const args = [...common(), agentId, processId, String(count), String(ttlMs), entry?.status ?? 'online'];
    return remember(toPresence((await run(SET_CONNECTIONS, [], args)) as unknown[]));
  };

  let beating: Promise<unknown> | null = null;
  let failing = false;
  const heartbeat = () => {
    if (beating) return beating;
    const args = [...common(), processId, String(ttlMs)];
    for (const [agentId, entry] of local)
      if (entry.connections.size > 0) args.push(agentId, String(entry.connections.size), entry.status);
    beating = run(HEARTBEAT, [], args)
      .then(() => {
        if (failing) opts.log?.info('presence heartbeat restored');
        failing = false;
      })
      .catch((error) => {
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
      return remember(toPresence((await run(SET_STATUS, [], [...common(), agentId, status])) as unknown[]));
    },
    async presence(agentId) {
      return remember(toPresence((await run(PRESENCE, [], [...common(), agentId])) as unknown[]));
    },
    async allPresence() {
      const flat = (await run(ALL_PRESENCE, [], common())) as unknown[];
      const out: AgentPresence[] = [];
      for (let i = 0; i + 4 < flat.length; i += 5) out.push(remember(toPresence(flat.slice(i, i + 5))));
      return out;
    },
    async increment(key, windowMs) {
      return Number(await run(INCREMENT, [`${prefix}${key}`], [String(windowMs)]));
    },
    async count(key) {
      return Number((await client.sendCommand(['GET', `${prefix}${key}`])) ?? 0);
    },
    async reset(key) {
      await client.sendCommand(['DEL', `${prefix}${key}`]);
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
      // A clean stop: this process's connections end now (its agents were disconnected by the shutdown).
      if (client.isReady) await client.sendCommand(['DEL', `${prefix}proc:${processId}`]).catch(() => undefined);
    },
  };
}

/** Connects to Redis and returns the coordinator plus the Socket.IO adapter that fans events out. */
export async function createRedisCoordination(
  config: Config,
  log: Logger,
): Promise<{ coord: Coordinator; adapter: FanoutAdapter['adapter']; onFanoutRecovered: FanoutAdapter['onRecovered'] }> {
  const url = config.redisUrl;
  if (!url) throw new Error('REDIS_URL is required for Redis coordination');
  const client = commandClient(url, log, 'coordination');
  await connectWithin(client, 10_000, url.replace(/\/\/[^@]*@/, '//'));
  const fanout = await createFanoutAdapter(url, config.redisPrefix, log);
  const coord = createRedisCoordinator(client, { prefix: config.redisPrefix, log });
  log.info({ prefix: config.redisPrefix, fanout: fanout.kind }, 'redis coordination ready');
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
