import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per server instance. */
export function createMetrics(
  queueLength: () => Promise<number>,
  /** Sockets connected to this process, read when scraped (no per-connection bookkeeping). */
  connected: () => { visitor: number; agent: number },
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_process_' });
  return {
    registry,
    connections: new Gauge({
      name: 'parley_connections',
      help: 'Connected sockets by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        const now = connected();
        this.set({ kind: 'visitor' }, now.visitor);
        this.set({ kind: 'agent' }, now.agent);
      },
    }),
    queued: new Gauge({
      name: 'parley_queued_conversations',
      help: 'Conversations waiting for an agent',
      registers: [registry],
      async collect() {
        this.set(await queueLength().catch(() => 0));
      },
    }),
    messages: new Counter({
      name: 'parley_messages_total',
      help: 'Messages stored, by author',
      labelNames: ['author'] as const,
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'parley_ack_latency_seconds',
      help: 'Time from receiving a socket event to acknowledging it',
      labelNames: ['event'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'parley_rejected_total',
      help: 'Refused requests and events, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
