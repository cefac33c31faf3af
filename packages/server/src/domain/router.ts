import type { Coordinator } from '../coord/coordinator.js';
import { isUnavailable } from '../driver-errors.js';
import type { Logger } from '../logger.js';
import type { Assignment } from '../store/conversations-repo.js';
import type { Store } from '../store/store.js';
import { CoalescedRuns } from './coalesced-runs.js';
import { chooseAgent } from './routing-policy.js';

/**
 * Routing: queued conversations go, oldest first, to online connected agents with free capacity (who
 * wins: routing-policy.ts).
 * Each step is one atomic database transaction (see conversationsRepo.assignNext), so any number of
 * routers on any number of processes may run at once without double assignment or over-capacity.
 * Drains are coalesced: a request during a drain runs one more pass afterwards.
 */
export class Router {
  private readonly runs = new CoalescedRuns(() => this.pass());

  constructor(
    private readonly store: Store,
    private readonly coord: Coordinator,
    private readonly afterAssign: (assignment: Assignment) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Ask for a routing pass soon; returns when the pass that covers this request is done. */
  request(): Promise<void> {
    return this.runs.request();
  }

  stop(): Promise<void> {
    return this.runs.stop();
  }

  private async pass(): Promise<void> {
    try {
      await this.drain();
    } catch (error) {
      // A store or Redis outage is expected and retried on the next request; anything else is a bug.
      if (isUnavailable(error)) this.log.warn({ err: error }, 'routing pass failed: store unavailable');
      else this.log.error({ err: error }, 'routing pass failed');
    }
  }

  private async drain(): Promise<void> {
    while (!this.runs.stopped) {
      const candidates = (await this.coord.allPresence())
        .filter((p) => p.connected && p.status === 'online')
        .map((p) => ({ agentId: p.agentId, idleSince: p.since }));
      const assignment = await this.store.conversations.assignNext(candidates, chooseAgent);
      if (!assignment) return;
      this.log.info(
        { conversationId: assignment.conversationId, agentId: assignment.agentId },
        'conversation assigned',
      );
      await this.afterAssign(assignment);
    }
  }
}
