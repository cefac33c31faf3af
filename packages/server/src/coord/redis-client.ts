import { createClient } from 'redis';
import type { Logger } from '../logger.js';

/** How long a coordination command may take before it fails (Redis down or stuck). */
export const COMMAND_TIMEOUT_MS = 1500;

/** Back off 100 ms, 200 ms, … up to 2 s between reconnection attempts, forever. */
export const reconnectDelay = (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000);

const baseOptions = { socket: { connectTimeout: 2000, reconnectStrategy: reconnectDelay }, pingInterval: 5000 };
const create = (
  url: string,
  extra: { disableOfflineQueue?: boolean; commandsQueueMaxLength?: number; timeout?: number },
) =>
  createClient({
    url,
    ...baseOptions,
    ...(extra.disableOfflineQueue ? { disableOfflineQueue: true } : {}),
    ...(extra.commandsQueueMaxLength ? { commandsQueueMaxLength: extra.commandsQueueMaxLength } : {}),
    ...(extra.timeout ? { commandOptions: { timeout: extra.timeout } } : {}),
  });
export type RedisClient = ReturnType<typeof create>;

/**
 * A client for request/response commands: while Redis is unreachable every command fails at once
 * (no offline queue) or after COMMAND_TIMEOUT_MS, so callers never hang; it reconnects by itself.
 */
export function commandClient(url: string, log: Logger, name: string): RedisClient {
  const client = create(url, { disableOfflineQueue: true, timeout: COMMAND_TIMEOUT_MS });
  watchErrors(client, log, name);
  return client;
}

/**
 * A client for the Socket.IO adapter: no command timeout (it runs blocking XREADs) and a bounded
 * offline queue, so fan-out published during a short outage is sent once Redis is back.
 */
export function adapterClient(url: string, log: Logger, name: string): RedisClient {
  const client = create(url, { commandsQueueMaxLength: 10_000 });
  watchErrors(client, log, name);
  return client;
}

/** Logs connection trouble once per outage (not once per retry); an error listener also prevents crashes. */
export function watchErrors(
  client: { on(event: string, fn: (arg?: unknown) => void): unknown },
  log: Logger,
  name: string,
) {
  let down = false;
  client.on('error', (error) => {
    if (down) return;
    down = true;
    log.warn({ err: error, redis: name }, 'redis connection lost; retrying');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ redis: name }, 'redis connection restored');
  });
}

/** Connects, giving up after `ms` (the client keeps no retry loop running afterwards). */
export async function connectWithin(client: RedisClient, ms: number, what: string): Promise<void> {
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
