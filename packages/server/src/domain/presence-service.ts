import type { AgentStatus } from '@parley/protocol';
import type { Coordinator } from '../coord/coordinator.js';
import type { Logger } from '../logger.js';
import type { Notifier } from './notifier.js';
import type { Router } from './router.js';

/**
 * Agents' presence: connections come and go, an agent sets their status; the team hears of each change,
 * and an agent becoming available asks for a routing pass.
 */
export class PresenceService {
  constructor(
    private readonly coord: Coordinator,
    private readonly notifier: Notifier,
    private readonly router: Router,
    private readonly log: Logger,
  ) {}

  /** The agent's own choice; once online, waits for the routing pass it asked for. */
  async setStatus(agentId: string, status: AgentStatus): Promise<AgentStatus> {
    await this.coord.setAgentStatus(agentId, status);
    this.notifier.presenceChanged(agentId, status);
    this.log.info({ agentId, status }, 'agent status');
    if (status === 'online') await this.router.request();
    return status;
  }

  /** A connection of the agent opened (one of possibly several, on any process). */
  async connected(agentId: string, connectionId: string): Promise<void> {
    const presence = await this.coord.agentConnected(agentId, connectionId);
    this.notifier.presenceChanged(agentId, presence.status);
    if (presence.status === 'online') void this.router.request();
  }

  /** A connection closed; the agent is offline once none is left. */
  async disconnected(agentId: string, connectionId: string): Promise<void> {
    const presence = await this.coord.agentDisconnected(agentId, connectionId);
    if (!presence.connected) this.notifier.presenceChanged(agentId, 'offline');
  }
}
