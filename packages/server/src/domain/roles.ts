import type { Agent } from '@parley/protocol';

/** Supervisors and admins see every conversation and may act on any of them. */
export const isSupervisor = (agent: Agent) => agent.role === 'supervisor' || agent.role === 'admin';
