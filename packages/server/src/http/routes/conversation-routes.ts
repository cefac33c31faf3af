import type { RestRoute } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import type { AttachmentUrls } from '../../domain/attachment-urls.js';
import type { ChatService } from '../../domain/chat-service.js';
import { refuse } from '../../domain/errors.js';
import { publicConversation } from '../../store/rows.js';
import type { Store } from '../../store/store.js';
import type { RestHandlers } from '../rest-router.js';

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

/** `files.urls` signs the attachments of the messages listed. */
export function conversationHandlers(store: Store, chat: ChatService, files: { urls: AttachmentUrls }) {
  return {
    /** Agents see the queue and their own conversations; supervisors and admins see all. Newest first. */
    'GET /api/conversations': async ({ query, agent }) => {
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
      return {
        conversations: page.map(publicConversation),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
    'GET /api/conversations/:id': async ({ params }) => {
      const conversation = await chat.conversation(String(params.id).slice(0, 64));
      const visitor = await store.visitors.byId(conversation.visitorId);
      const history = (await store.conversations.list({ visitorId: conversation.visitorId, limit: 20 })).filter(
        (c) => c.id !== conversation.id,
      );
      return {
        conversation: publicConversation(conversation),
        visitor: visitor && { ...visitor, verified: visitor.userId !== null },
        pastConversations: history.map(publicConversation),
      };
    },
    'GET /api/conversations/:id/messages': async ({ params }) => {
      const conversation = await chat.conversation(String(params.id).slice(0, 64));
      return { messages: files.urls.messages(await chat.messagesForAgents(conversation.id)) };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
