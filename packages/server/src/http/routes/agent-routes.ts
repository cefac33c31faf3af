import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { Coordinator } from '../../coord/coordinator.js';
import type { AuthService } from '../../domain/auth-service.js';
import type { ChatService } from '../../domain/chat-service.js';
import type { Store } from '../../store/store.js';
import { bearerToken, currentAgent, requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

export function agentRoutes(store: Store, auth: AuthService, coord: Coordinator, chat: ChatService) {
  const router = Router();
  /** Every agent with live status and load (for transfer pickers and the supervisor floor view). */
  router.get('/api/agents', requireAgent(auth), async (_req, res) => {
    const [agents, loads] = await Promise.all([store.agents.list(), store.agents.loads()]);
    const withPresence = await Promise.all(
      agents.map(async (agent) => {
        const presence = await coord.presence(agent.id);
        return {
          ...agent,
          status: presence.connected ? presence.status : 'offline',
          load: loads.get(agent.id) ?? 0,
        };
      }),
    );
    res.json({ agents: withPresence });
  });
  router.post('/api/agents', requireAgent(auth, 'admin'), async (req, res) => {
    const body = parse(schemas.createAgentBody, req.body);
    res.status(201).json(await auth.createAgent(body));
  });
  router.patch('/api/agents/:id', requireAgent(auth, 'admin'), async (req, res) => {
    const patch = parse(schemas.updateAgentBody, req.body);
    const id = String(req.params.id);
    const { agent } = await auth.updateAgent({ agent: currentAgent(req), token: bearerToken(req)! }, id, patch);
    if (patch.active === false) await chat.requeueAgent(id, `${agent.name} was deactivated`);
    void chat.router.request();
    res.json({ agent });
  });
  return router;
}
