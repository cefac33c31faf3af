import { type Conversation, type Message, schemas, type VisitorSession } from '@parley/protocol';
import type { Socket } from 'socket.io';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import type { ChatService } from '../domain/chat-service.js';
import { refuse } from '../domain/errors.js';
import { type ModerationService, normalizeIp } from '../domain/moderation.js';
import type { Notifier } from '../domain/notifier.js';
import { hmacHex, safeEqual } from '../domain/secrets.js';
import type { VisitorTokens } from '../domain/visitor-tokens.js';
import { publicConversation } from '../store/rows.js';
import type { SiteWithSecret } from '../store/sites-repo.js';
import type { Store } from '../store/store.js';
import type { Visitor } from '../store/visitors-repo.js';
import { installEventGuard } from './connection-guard.js';
import { type HandlerContext, handle } from './handle.js';
import type { VisitorNamespace } from './notifier.js';
import { rooms } from './rooms.js';
import { connectError, type SiteCache } from './site-cache.js';

type VisitorData = { site: SiteWithSecret; visitor: Visitor };

export type VisitorDeps = HandlerContext & {
  config: Config;
  store: Store;
  coord: Coordinator;
  chat: ChatService;
  notifier: Notifier;
  tokens: VisitorTokens;
  sites: SiteCache;
  moderation: ModerationService;
};

export function setupVisitorNamespace(ns: VisitorNamespace, deps: VisitorDeps) {
  const { store, chat, tokens, coord, config } = deps;

  ns.use(async (socket, next) => {
    try {
      const auth = schemas.visitorAuth.safeParse(socket.handshake.auth ?? {});
      const site = auth.success ? await deps.sites.byKey(auth.data.siteKey) : null;
      if (!auth.success || !site) return next(connectError('unknown_site', 'unknown site key'));
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined && !site.allowedOrigins.includes(origin))
        return next(connectError('origin_not_allowed', 'this page may not embed the chat of this site'));
      const knownId = tokens.verify(auth.data.visitorToken, site.id);
      const known = knownId ? await store.visitors.byId(knownId) : null;
      const own = known && known.siteId === site.id ? known : null;
      const ip = normalizeIp(socket.handshake.address);
      if (await deps.moderation.isBlocked(site.id, own?.id ?? null, ip))
        return next(connectError('blocked', 'you cannot use the chat of this site'));
      const visitor = own ?? (await store.visitors.create(site.id));
      await store.blocks.recordAddress(visitor.id, ip);
      socket.data = { site, visitor } satisfies VisitorData;
      next();
    } catch (error) {
      deps.log.error({ err: error }, 'visitor handshake failed');
      next(connectError('unavailable', 'the chat is unavailable right now, retrying'));
    }
  });

  ns.on('connection', async (socket: Socket) => {
    const data = socket.data as VisitorData;
    deps.metrics.connections.inc({ kind: 'visitor' });
    socket.on('disconnect', () => deps.metrics.connections.dec({ kind: 'visitor' }));
    installEventGuard(socket, config.visitorEventLimit, () =>
      deps.log.warn({ visitorId: data.visitor.id, siteId: data.site.id }, 'visitor flooding: connection cut off'),
    );
    const ctx = deps;
    const visitorRef = () => ({ id: data.visitor.id, siteId: data.site.id, name: data.visitor.name });

    const currentConversation = async (): Promise<Conversation | null> => {
      const conversation =
        (await store.conversations.openForVisitor(data.visitor.id)) ??
        (await store.conversations.latestForVisitor(data.visitor.id));
      return conversation ? publicConversation(conversation) : null;
    };
    const session = async (): Promise<VisitorSession> => ({
      visitorId: data.visitor.id,
      visitorToken: tokens.issue(data.visitor.id, data.site.id),
      conversation: await currentConversation(),
      name: data.visitor.name,
      email: data.visitor.email,
      verified: data.visitor.userId !== null,
    });

    handle(socket, ctx, 'message:send', schemas.visitorMessageSend, async (payload) => {
      const hits = await coord.increment(`rate:visitor:${data.visitor.id}`, config.visitorMessageLimit.windowMs);
      if (hits > config.visitorMessageLimit.limit)
        throw refuse('rate_limited', 'you are sending messages too fast; wait a few seconds');
      const siteHits = await coord.increment(`rate:site:${data.site.id}`, config.siteMessageLimit.windowMs);
      if (siteHits > config.siteMessageLimit.limit)
        throw refuse('rate_limited', 'this chat is receiving too many messages right now; wait a few seconds');
      const message = await chat.visitorSend(visitorRef(), payload);
      return { message };
    });

    handle(
      socket,
      ctx,
      'messages:sync',
      schemas.messagesSync.extend({ conversationId: schemas.conversationRef.shape.conversationId.optional() }),
      async (payload) => {
        const conversation = payload.conversationId
          ? publicConversation(await chat.visitorOwned(data.visitor.id, payload.conversationId))
          : await currentConversation();
        const messages: Message[] = conversation
          ? await store.messages.list(conversation.id, { after: payload.after ?? 0, includeInternal: false })
          : [];
        return { messages, conversation };
      },
    );

    handle(socket, ctx, 'typing', schemas.visitorTyping, async (payload) => {
      const conversation = await store.conversations.openForVisitor(data.visitor.id);
      if (conversation) deps.notifier.visitorTyping(publicConversation(conversation), payload.typing, payload.preview);
      return {};
    });

    handle(socket, ctx, 'conversation:rate', schemas.conversationRate, async (payload) => ({
      conversation: await chat.rate(data.visitor.id, payload),
    }));

    handle(socket, ctx, 'conversation:close', schemas.conversationRef, async (payload) => ({
      conversation: await chat.visitorClose(data.visitor.id, payload.conversationId),
    }));

    handle(socket, ctx, 'visitor:update', schemas.visitorUpdate, async (payload) => {
      const updated = await store.visitors.update(data.visitor.id, payload);
      if (updated) data.visitor = updated;
      const open = await store.conversations.openForVisitor(data.visitor.id);
      if (open) deps.notifier.conversationUpdated(publicConversation(open));
      return {};
    });

    handle(socket, ctx, 'visitor:context', schemas.visitorContext, async (payload) => {
      const userAgent = String(socket.handshake.headers['user-agent'] ?? '').slice(0, 400);
      await store.visitors.setContext(data.visitor.id, { ...payload, userAgent });
      return {};
    });

    handle(socket, ctx, 'visitor:identify', schemas.visitorIdentify, async (payload) => {
      const expected = hmacHex(data.site.identitySecret, payload.userId);
      if (!safeEqual(payload.userHash.toLowerCase(), expected))
        throw refuse('forbidden', 'identity verification failed: userHash does not match');
      const owner = await store.visitors.bindUser(data.visitor.id, data.site.id, payload.userId);
      const updated = (await store.visitors.update(owner.id, { name: payload.name, email: payload.email })) ?? owner;
      if (updated.id !== data.visitor.id) {
        await socket.leave(rooms.visitor(data.visitor.id));
        await socket.join(rooms.visitor(updated.id));
      }
      data.visitor = updated;
      return { session: await session() };
    });

    try {
      await socket.join(rooms.visitor(data.visitor.id));
      socket.emit('session', await session());
    } catch (error) {
      // The store is unavailable: let the client reconnect rather than wait for a session forever.
      deps.log.warn({ err: error }, 'visitor session failed');
      socket.disconnect(true);
    }
  });
}
