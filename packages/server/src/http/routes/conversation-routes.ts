import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import type { ChatService } from '../../domain/chat-service.js';
import { refuse } from '../../domain/errors.js';
import { isSupervisor } from '../../domain/roles.js';
import { publicConversation } from '../../store/rows.js';
import type { Store } from '../../store/store.js';
import { currentAgent, requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

const encodeCursor = (c: { createdAt: string; id: string }) =>
  Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt)))
      return { createdAt, id };
  } catch {
    // fall through
  }
  throw refuse('invalid_payload', 'cursor: not a cursor this server issued');
}

export function conversationRoutes(store: Store, auth: AuthService, chat: ChatService) {
  const router = Router();
  /** Agents see the queue and their own conversations; supervisors and admins see all. Newest first. */
  router.get('/api/conversations', requireAgent(auth), async (req, res) => {
    const query = parse(schemas.listConversationsQuery, req.query);
    const agent = currentAgent(req);
    const limit = query.limit ?? 50;
    const statuses = query.status === 'open' ? ['queued', 'assigned'] : query.status ? [query.status] : undefined;
    const rows = await store.conversations.list({
      statuses,
      visibleToAgentId: isSupervisor(agent) ? undefined : agent.id,
      limit: limit + 1,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({
      conversations: page.map(publicConversation),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    });
  });
  router.get('/api/conversations/:id', requireAgent(auth), async (req, res) => {
    const conversation = await chat.conversation(String(req.params.id).slice(0, 64));
    const visitor = await store.visitors.byId(conversation.visitorId);
    const history = (await store.conversations.list({ visitorId: conversation.visitorId, limit: 20 })).filter(
      (c) => c.id !== conversation.id,
    );
    res.json({
      conversation: publicConversation(conversation),
      visitor: visitor && { ...visitor, verified: visitor.userId !== null },
      pastConversations: history.map(publicConversation),
    });
  });
  router.get('/api/conversations/:id/messages', requireAgent(auth), async (req, res) => {
    const conversation = await chat.conversation(String(req.params.id).slice(0, 64));
    res.json({ messages: await store.messages.list(conversation.id, { includeInternal: true }) });
  });
  return router;
}
