import { createAdapter } from '@socket.io/redis-streams-adapter';
import { connectWithin, createAdapterClient, type RedisClient, type RedisHealth } from './redis-client.js';

/**
 * How Socket.IO events reach the other processes: a Redis Stream. Readers resume from their last offset,
 * so what is published while Redis restarts (kept in the publisher's bounded offline queue) still arrives;
 * pub/sub would drop it (docs/scaling.md, "Choosing the Socket.IO adapter").
 */
export type Fanout = {
  /** An adapter factory for `new Server(http, { adapter })`. */
  adapter: (nsp: unknown) => unknown;
  /** Called each time the fan-out connection is ready again after losing Redis. */
  onRecovered(fn: () => void): void;
  close(): Promise<void>;
};

/**
 * Opens the Socket.IO adapter on its own Redis connection (its blocking reads must not share the
 * coordination client). Stream and channel names carry the key prefix, so several Parley deployments
 * (or test runs) can share one Redis.
 */
export async function openFanout(url: string, prefix: string, health: RedisHealth): Promise<Fanout> {
  const recovered: (() => void)[] = [];
  const client: RedisClient = createAdapterClient(url, health, 'fanout');
  await connectWithin(client, 10_000, 'fanout');
  // Every later 'ready' is a reconnect: events published meanwhile by other processes may be lost.
  client.on('ready', () => {
    for (const fn of recovered) fn();
  });
  const adapter = createAdapter(client, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    maxLen: 10_000,
    blockTimeInMs: 2000,
  });
  return {
    adapter: adapter as Fanout['adapter'],
    onRecovered(fn) {
      recovered.push(fn);
    },
    async close() {
      client.destroy();
    },
  };
}
