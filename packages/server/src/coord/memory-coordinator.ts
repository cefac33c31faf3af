import type { AgentStatus } from '@parley/protocol';
import type { AgentPresence, Coordinator } from './coordinator.js';

type Entry = { status: AgentStatus; connections: Set<string>; lastSeenAt: number; since: number };

/** Coordination for a single process: plain maps. */
export function createMemoryCoordinator(now: () => number = Date.now): Coordinator {
  const bootedAt = now();
  const agents = new Map<string, Entry>();
  const counters = new Map<string, { count: number; expiresAt: number }>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, counter] of counters) if (counter.expiresAt <= t) counters.delete(key);
  }, 30_000);
  sweep.unref();

  const entry = (agentId: string): Entry => {
    let e = agents.get(agentId);
    if (!e) {
      // Unknown agents count as last seen when this process started: after a restart, their open
      // conversations get the full grace period before being requeued.
      e = { status: 'online', connections: new Set(), lastSeenAt: bootedAt, since: bootedAt };
      agents.set(agentId, e);
    }
    return e;
  };
  const view = (agentId: string, e: Entry): AgentPresence => ({
    agentId,
    status: e.status,
    connected: e.connections.size > 0,
    lastSeenAt: e.connections.size > 0 ? now() : e.lastSeenAt,
    since: e.since,
  });

  return {
    kind: 'memory',
    async agentConnected(agentId, connectionId) {
      const e = entry(agentId);
      if (e.connections.size === 0) e.since = now();
      e.connections.add(connectionId);
      e.lastSeenAt = now();
      return view(agentId, e);
    },
    async agentDisconnected(agentId, connectionId) {
      const e = entry(agentId);
      e.connections.delete(connectionId);
      e.lastSeenAt = now();
      return view(agentId, e);
    },
    async setAgentStatus(agentId, status) {
      const e = entry(agentId);
      if (e.status !== status) e.since = now();
      e.status = status;
      return view(agentId, e);
    },
    async presence(agentId) {
      return view(agentId, agents.get(agentId) ?? entry(agentId));
    },
    async allPresence() {
      return [...agents].map(([id, e]) => view(id, e));
    },
    async increment(key, windowMs) {
      const t = now();
      const c = counters.get(key);
      if (!c || c.expiresAt <= t) {
        counters.set(key, { count: 1, expiresAt: t + windowMs });
        return 1;
      }
      c.count++;
      return c.count;
    },
    async count(key) {
      const c = counters.get(key);
      return c && c.expiresAt > now() ? c.count : 0;
    },
    async reset(key) {
      counters.delete(key);
    },
    async ping() {
      return true;
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
