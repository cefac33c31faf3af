import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { adapterClient, connectWithin, type RedisClient, type RedisHealth } from './redis-client.js';

/**
 * Which Socket.IO adapter fans events out between processes. Chosen by measurement (docs/scaling.md,
 * bench/adapter-*.mjs): Redis Streams keeps what was published during a Redis restart (readers resume from
 * their last offset), where pub/sub silently drops it; throughput and latency were comparable.
 */
export type FanoutKind = 'streams' | 'sharded-pubsub';
export const DEFAULT_FANOUT: FanoutKind = 'streams';

export type FanoutAdapter = {
  kind: FanoutKind;
  /** An adapter factory for `new Server(http, { adapter })`. */
  adapter: (nsp: unknown) => unknown;
  /** Called each time a fan-out connection is ready again after losing Redis. */
  onRecovered(fn: () => void): void;
  close(): Promise<void>;
};

/**
 * Creates the Socket.IO adapter on its own Redis connections (blocking reads and subscriptions must not
 * share the coordination client). Channel and stream names carry the key prefix, so several Parley
 * deployments (or test runs) can share one Redis.
 */
export async function createFanoutAdapter(
  url: string,
  prefix: string,
  health: RedisHealth,
  kind: FanoutKind = DEFAULT_FANOUT,
): Promise<FanoutAdapter> {
  const clients: RedisClient[] = [];
  const recovered: (() => void)[] = [];
  const onRecovered = (fn: () => void) => {
    recovered.push(fn);
  };
  const open = async (name: string) => {
    const client = adapterClient(url, health, name);
    clients.push(client);
    await connectWithin(client, 10_000, name);
    // Every later 'ready' is a reconnect: events published meanwhile by other processes may be lost.
    client.on('ready', () => {
      for (const fn of recovered) fn();
    });
    return client;
  };
  const close = async () => {
    for (const client of clients) client.destroy();
  };
  if (kind === 'streams') {
    const client = await open('fanout');
    const adapter = createStreamsAdapter(client, {
      streamName: `${prefix}socket.io`,
      channelPrefix: `${prefix}socket.io`,
      sessionKeyPrefix: `${prefix}sio:session:`,
      maxLen: 10_000,
      blockTimeInMs: 2000,
    });
    return { kind, adapter: adapter as FanoutAdapter['adapter'], onRecovered, close };
  }
  const pub = await open('fanout-pub');
  const sub = await open('fanout-sub');
  const adapter = createShardedAdapter(pub, sub, { channelPrefix: `${prefix}socket.io`, subscriptionMode: 'dynamic' });
  return { kind, adapter, onRecovered, close };
}
