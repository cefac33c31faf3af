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
export function startReassigner(opts: {
  store: Store;
  coord: Coordinator;
  chat: ChatService;
  graceMs: number;
  log: Logger;
  now?: () => number;
}) {
  const { store, coord, chat, graceMs, log } = opts;
  const now = opts.now ?? Date.now;
  const everyMs = Math.min(5000, Math.max(100, Math.floor(graceMs / 4)));
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const agentId of await store.conversations.agentsWithOpenConversations()) {
        const presence = await coord.presence(agentId);
        if (!presence.connected && now() - presence.lastSeenAt >= graceMs)
          await chat.requeueAgent(agentId, `the agent was disconnected for more than ${Math.round(graceMs / 1000)} s`);
      }
      await chat.router.request();
    } catch (error) {
      log.warn({ err: error }, 'reassignment sweep failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return {
    sweep,
    stop() {
      clearInterval(timer);
    },
  };
}
