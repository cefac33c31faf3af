import type { RestRoute } from '@parley/protocol';
import type { ModerationService } from '../../domain/moderation-service.js';
import type { RestHandlers } from '../rest-router.js';

/**
 * Blocking visitors from the console. Any agent may block the visitor of a conversation assigned to
 * them (supervisors and admins: any conversation); only supervisors and admins list and lift blocks.
 */
export function moderationHandlers(moderation: ModerationService) {
  return {
    'POST /api/conversations/:id/block': ({ params, body, agent }) =>
      moderation.blockFromConversation(agent, String(params.id).slice(0, 64), body.reason),
    'GET /api/blocks': async () => ({ blocks: await moderation.list() }),
    'DELETE /api/blocks/:id': async ({ params, agent }) => {
      await moderation.unblock(agent, String(params.id).slice(0, 64));
      return undefined;
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
