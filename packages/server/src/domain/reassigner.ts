import type { Coordinator } from '../coord/coordinator.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ChatService } from './chat-service.js';

/**
 * Requeues the open conversations of agents who have been disconnected longer than the grace period.
 * A periodic sweep (not a timer per disconnect) so it also covers agents of a process that crashed or
 * restarted: their presence simply stops being refreshed. It also runs a routing pass each time, which
 * catches capacity freed on other processes.
 */
export class Reassigner {
  private readonly now: () => number;
  private busy = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly opts: {
      store: Store;
      coord: Coordinator;
      chat: ChatService;
      graceMs: number;
      log: Logger;
      now?: () => number;
    },
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Sweeps periodically (every quarter of the grace period, between 100 ms and 5 s) until `stop`. */
  start(): this {
    const everyMs = Math.min(5000, Math.max(100, Math.floor(this.opts.graceMs / 4)));
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const { store, coord, chat, graceMs, log } = this.opts;
    try {
      for (const agentId of await store.conversations.agentsWithOpenConversations()) {
        const presence = await coord.presence(agentId);
        if (!presence.connected && this.now() - presence.lastSeenAt >= graceMs)
          await chat.requeueAgent(agentId, `the agent was disconnected for more than ${Math.round(graceMs / 1000)} s`);
      }
      await chat.router.request();
    } catch (error) {
      log.warn({ err: error }, 'reassignment sweep failed');
    } finally {
      this.busy = false;
    }
  }
}
