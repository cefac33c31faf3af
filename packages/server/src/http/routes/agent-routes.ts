import type { RestRoute } from '@parley/protocol';
import type { Coordinator } from '../../coord/coordinator.js';
import type { AuthService } from '../../domain/auth-service.js';
import type { ChatService } from '../../domain/chat-service.js';
import { refuse } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { RestHandlers } from '../rest-router.js';

export function agentHandlers(store: Store, auth: AuthService, coord: Coordinator, chat: ChatService) {
  return {
    /** The agent's own profile settings (today: email when a chat is assigned while they are offline). */
    'PATCH /api/me': async ({ agent, body }) => {
      const updated = await store.agents.update(agent.id, body);
      if (!updated) throw refuse('not_found', 'no such agent');
      return { agent: updated };
    },
    /** Every agent with live status and load (for transfer pickers and the supervisor floor view). */
    'GET /api/agents': async () => {
      const [agents, loads] = await Promise.all([store.agents.list(), store.agents.loads()]);
      const withPresence = await Promise.all(
        agents.map(async (agent) => {
          const presence = await coord.presence(agent.id);
          return {
            ...agent,
            status: presence.connected ? presence.status : ('offline' as const),
            load: loads.get(agent.id) ?? 0,
          };
        }),
      );
      return { agents: withPresence };
    },
    'POST /api/agents': ({ body }) => auth.createAgent(body),
    'PATCH /api/agents/:id': async ({ params, body: patch, agent: actor, token }) => {
      const id = String(params.id);
      const { agent } = await auth.updateAgent({ agent: actor, token }, id, patch);
      if (patch.active === false) await chat.requeueAgent(id, `${agent.name} was deactivated`);
      void chat.router.request();
      return { agent };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
