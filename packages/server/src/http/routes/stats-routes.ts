import type { RestRoute } from '@parley/protocol';
import type { Coordinator } from '../../coord/coordinator.js';
import { refuse } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { RestHandlers } from '../rest-router.js';

const DAY = 86_400_000;

/** Supervisor dashboard numbers: a chosen period (default: the last 7 days) and the live floor. */
export function statsHandlers(store: Store, coord: Coordinator) {
  return {
    'GET /api/stats': ({ query }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
      if (from >= to) throw refuse('invalid_payload', 'from must be before to');
      if (to.getTime() - from.getTime() > 400 * DAY)
        throw refuse('invalid_payload', 'the period may span at most 400 days');
      return store.stats.period(from, to);
    },
    'GET /api/stats/live': async () => {
      const [live, agents, loads] = await Promise.all([store.stats.live(), store.agents.list(), store.agents.loads()]);
      return {
        ...live,
        agents: await Promise.all(
          agents
            .filter((a) => a.active)
            .map(async (a) => {
              const presence = await coord.presence(a.id);
              return {
                id: a.id,
                name: a.name,
                role: a.role,
                status: presence.connected ? presence.status : ('offline' as const),
                load: loads.get(a.id) ?? 0,
                maxChats: a.maxChats,
              };
            }),
        ),
        at: new Date().toISOString(),
      };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
