import type { AgentStatus } from '@parley/protocol';

/** What the routing and presence layer needs to know about an agent right now. */
export type AgentPresence = {
  agentId: string;
  status: AgentStatus;
  /** At least one live connection (on any process). */
  connected: boolean;
  /** Last time a connection was known alive (ms since epoch). */
  lastSeenAt: number;
  /** When the agent last became available (online and connected), for "idle longest" ties. */
  since: number;
};

/**
 * Shared, rebuildable coordination state: presence, rate counters and cross-process fan-out.
 * In-process for one node; Redis for many. Durable facts (conversations, assignment) live in the store.
 * No method fails because Redis is unreachable: each answers from this process's own knowledge meanwhile
 * (redis-coordinator.ts says what is weaker then); `ping` is how readiness sees the outage.
 */
export interface Coordinator {
  readonly kind: 'memory' | 'redis';
  agentConnected(agentId: string, connectionId: string): Promise<AgentPresence>;
  agentDisconnected(agentId: string, connectionId: string): Promise<AgentPresence>;
  setAgentStatus(agentId: string, status: AgentStatus): Promise<AgentPresence>;
  presence(agentId: string): Promise<AgentPresence>;
  /** Every agent this coordinator knows about. */
  allPresence(): Promise<AgentPresence[]>;
  /** Increments a counter that expires `windowMs` after its first hit; returns the new count. */
  increment(key: string, windowMs: number): Promise<number>;
  count(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
