import type { AgentStatus } from '@parley/protocol';
import type { AgentPresence, Coordinator } from './coordinator.js';

type Entry = { status: AgentStatus; connections: Set<string>; lastSeenAt: number; since: number };

/** Coordination for a single process: plain maps. */
export class MemoryCoordinator implements Coordinator {
  readonly kind = 'memory';
  private readonly bootedAt: number;
  private readonly agents = new Map<string, Entry>();
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.bootedAt = now();
    this.sweep = setInterval(() => {
      const t = now();
      for (const [key, counter] of this.counters) if (counter.expiresAt <= t) this.counters.delete(key);
    }, 30_000);
    this.sweep.unref();
  }

  private entry(agentId: string): Entry {
    let e = this.agents.get(agentId);
    if (!e) {
      // Unknown agents count as last seen when this process started: after a restart, their open
      // conversations get the full grace period before being requeued.
      e = { status: 'online', connections: new Set(), lastSeenAt: this.bootedAt, since: this.bootedAt };
      this.agents.set(agentId, e);
    }
    return e;
  }

  private view(agentId: string, e: Entry): AgentPresence {
    return {
      agentId,
      status: e.status,
      connected: e.connections.size > 0,
      lastSeenAt: e.connections.size > 0 ? this.now() : e.lastSeenAt,
      since: e.since,
    };
  }

  async agentConnected(agentId: string, connectionId: string) {
    const e = this.entry(agentId);
    if (e.connections.size === 0) e.since = this.now();
    e.connections.add(connectionId);
    e.lastSeenAt = this.now();
    return this.view(agentId, e);
  }

  async agentDisconnected(agentId: string, connectionId: string) {
    const e = this.entry(agentId);
    e.connections.delete(connectionId);
    e.lastSeenAt = this.now();
    return this.view(agentId, e);
  }

  async setAgentStatus(agentId: string, status: AgentStatus) {
    const e = this.entry(agentId);
    if (e.status !== status) e.since = this.now();
    e.status = status;
    return this.view(agentId, e);
  }

  async presence(agentId: string) {
    return this.view(agentId, this.agents.get(agentId) ?? this.entry(agentId));
  }

  async allPresence() {
    return [...this.agents].map(([id, e]) => this.view(id, e));
  }

  async increment(key: string, windowMs: number) {
    const t = this.now();
    const c = this.counters.get(key);
    if (!c || c.expiresAt <= t) {
      this.counters.set(key, { count: 1, expiresAt: t + windowMs });
      return 1;
    }
    c.count++;
    return c.count;
  }

  async count(key: string) {
    const c = this.counters.get(key);
    return c && c.expiresAt > this.now() ? c.count : 0;
  }

  async reset(key: string) {
    this.counters.delete(key);
  }

  async ping() {
    return true;
  }

  async close() {
    clearInterval(this.sweep);
  }
}
