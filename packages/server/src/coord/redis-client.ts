import { createClient } from 'redis';
import type { Logger } from '../logger.js';
import { COORDINATION_SCRIPTS } from './redis-scripts.js';

/** How long a coordination command may take before it fails (Redis down or stuck). */
export const COMMAND_TIMEOUT_MS = 1500;

/** Back off 100 ms, 200 ms, … up to 2 s between reconnection attempts, forever. */
const reconnectDelay = (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000);

const baseOptions = { socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay }, pingInterval: 5000 };

/** A client for the Socket.IO adapter (see createAdapterClient). */
export type RedisClient = ReturnType<typeof createAdapterClient>;
/** A client for coordination commands, with the presence and rate-counter scripts (see createCommandClient). */
export type CommandClient = ReturnType<typeof createCommandClient>;

type Watchable = { on(event: string, fn: (arg?: unknown) => void): unknown };

/**
 * Whether this process reaches Redis, over all of its Redis connections (coordination, fan-out): it logs
 * ONCE when the first connection is lost (`redis unreachable`, warn) and ONCE when every connection is
 * back (`redis reachable again`, info) — not once per connection, retry or failed command. Its error
 * listener is also what keeps a connection error from crashing the process.
 */
export type RedisHealth = { readonly reachable: boolean; watch(client: Watchable, name: string): void };

export function createRedisHealth(log: Logger): RedisHealth {
  const down = new Set<Watchable>();
  let since = 0;
  return {
    get reachable() {
      return down.size === 0;
    },
    watch(client, name) {
      client.on('error', (error) => {
        if (down.has(client)) return;
        if (down.size === 0) {
          since = Date.now();
          log.warn({ err: error, redis: name }, 'redis unreachable');
        }
        down.add(client);
      });
      client.on('ready', () => {
        if (!down.delete(client) || down.size > 0) return;
        log.info({ redis: name, downMs: Date.now() - since }, 'redis reachable again');
      });
    },
  };
}

/**
 * A client for request/response commands: while Redis is unreachable every command fails at once
 * (no offline queue) or after COMMAND_TIMEOUT_MS, so callers never hang; it reconnects by itself.
 */
export function createCommandClient(url: string, log: Logger, name: string, health = createRedisHealth(log)) {
  const client = createClient({
    url,
    ...baseOptions,
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    scripts: COORDINATION_SCRIPTS,
  });
  health.watch(client, name);
  return client;
}

/**
 * A client for the Socket.IO adapter: no command timeout (it runs blocking XREADs) and a bounded
 * offline queue, so fan-out published during a short outage is sent once Redis is back.
 */
export function createAdapterClient(url: string, health: RedisHealth, name: string) {
  const client = createClient({ url, ...baseOptions, commandsQueueMaxLength: 10_000 });
  health.watch(client, name);
  return client;
}

/** Connects, giving up after `ms` (the client keeps no retry loop running afterwards). */
export async function connectWithin(client: RedisClient | CommandClient, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not connect to Redis (${what}) within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
