import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import type { ModerationService } from '../../domain/moderation-service.js';
import { currentAgent, requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

/**
 * Blocking visitors from the console. Any agent may block the visitor of a conversation assigned to
 * them (supervisors and admins: any conversation); only supervisors and admins list and lift blocks.
 */
export function moderationRoutes(auth: AuthService, moderation: ModerationService) {
  const router = Router();
  router.post('/api/conversations/:id/block', requireAgent(auth), async (req, res) => {
    const { reason } = parse(schemas.blockVisitorBody, req.body ?? {});
    const result = await moderation.blockFromConversation(
      currentAgent(req),
      String(req.params.id).slice(0, 64),
      reason,
    );
    res.status(201).json(result);
  });
  router.get('/api/blocks', requireAgent(auth, 'supervisor', 'admin'), async (_req, res) => {
    res.json({ blocks: await moderation.list() });
  });
  router.delete('/api/blocks/:id', requireAgent(auth, 'supervisor', 'admin'), async (req, res) => {
    await moderation.unblock(currentAgent(req), String(req.params.id).slice(0, 64));
    res.status(204).end();
  });
  return router;
}
