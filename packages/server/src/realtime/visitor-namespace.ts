import { type Conversation, type Message, schemas, type VisitorSession } from '@parley/protocol';
import type { Socket } from 'socket.io';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import type { ChatService } from '../domain/chat-service.js';
import { isUnavailable, refuse } from '../domain/errors.js';
import { verifyIdentity } from '../domain/identity.js';
import type { ModerationService } from '../domain/moderation.js';
import type { Notifier } from '../domain/notifier.js';
import type { VisitorTokens } from '../domain/visitor-tokens.js';
import { connectionAddress } from '../http/client-address.js';
import { publicConversation } from '../store/rows.js';
import type { SiteWithSecret } from '../store/sites-repo.js';
import type { Store } from '../store/store.js';
import type { Visitor } from '../store/visitors-repo.js';
import { type EventWindow, eventBudget } from './connection-guard.js';
import { attach, type HandlerContext, listeners, on } from './handle.js';
import { originOf, type VisitorNamespace } from './notifier.js';
import { rooms } from './rooms.js';
import { connectError, type SiteCache } from './site-cache.js';

/** What a visitor connection keeps: its site (shared, from the site cache) and the visitor's identity. */
type VisitorData = { site: SiteWithSecret; visitor: ConnectedVisitor; noEcho: boolean; events?: EventWindow };
type ConnectedVisitor = Pick<Visitor, 'id' | 'name' | 'email' | 'userId' | 'verifiedFields'>;
type VisitorSocket = Socket & { data: VisitorData };

const connectedVisitor = ({ id, name, email, userId, verifiedFields }: Visitor): ConnectedVisitor => ({
  id,
  name,
  email,
  userId,
  verifiedFields,
});

/** `messages:sync` from a visitor: the conversation is optional (default: the current one). */
const visitorSync = schemas.messagesSync.extend({
  conversationId: schemas.conversationRef.shape.conversationId.optional(),
});

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
      const ip = connectionAddress(socket.conn, config.trustProxy);
      if (await deps.moderation.isBlocked(site.id, own?.id ?? null, ip))
        return next(connectError('blocked', 'you cannot use the chat of this site'));
      const visitor = own ?? (await store.visitors.create(site.id));
      await store.blocks.recordAddress(visitor.id, ip);
      socket.data = {
        site,
        visitor: connectedVisitor(visitor),
        noEcho: auth.data.echo === false,
      } satisfies VisitorData;
      next();
    } catch (error) {
      // Input never gets here (the schema refuses what the store cannot hold): this is the store, or a bug.
      if (isUnavailable(error)) deps.log.warn({ err: error }, 'visitor handshake: store unavailable');
      else deps.log.error({ err: error }, 'visitor handshake failed');
      next(connectError('unavailable', 'the chat is unavailable right now, retrying'));
    }
  });

  const visitorRef = ({ data }: VisitorSocket) => ({
    id: data.visitor.id,
    siteId: data.site.id,
    name: data.visitor.name,
  });
  const currentConversation = async (visitorId: string): Promise<Conversation | null> => {
    const conversation =
      (await store.conversations.openForVisitor(visitorId)) ?? (await store.conversations.latestForVisitor(visitorId));
    return conversation ? publicConversation(conversation) : null;
  };
  const session = async ({ data }: VisitorSocket): Promise<VisitorSession> => ({
    visitorId: data.visitor.id,
    visitorToken: tokens.issue(data.visitor.id, data.site.id),
    conversation: await currentConversation(data.visitor.id),
    name: data.visitor.name,
    email: data.visitor.email,
    verified: data.visitor.userId !== null,
    verifiedFields: data.visitor.verifiedFields,
  });

  // The handlers, built once for the namespace: a connection only holds references to them.
  const handler = on<VisitorSocket>();
  const events = listeners<VisitorSocket>(
    deps,
    {
      'message:send': handler(schemas.visitorMessageSend, async (payload, socket) => {
        const { data } = socket;
        const hits = await coord.increment(`rate:visitor:${data.visitor.id}`, config.visitorMessageLimit.windowMs);
        if (hits > config.visitorMessageLimit.limit)
          throw refuse('rate_limited', 'you are sending messages too fast; wait a few seconds');
        const siteHits = await coord.increment(`rate:site:${data.site.id}`, config.siteMessageLimit.windowMs);
        if (siteHits > config.siteMessageLimit.limit)
          throw refuse('rate_limited', 'this chat is receiving too many messages right now; wait a few seconds');
        const message = await chat.visitorSend(visitorRef(socket), payload, originOf(socket));
        return { message };
      }),

      'messages:sync': handler(visitorSync, async (payload, { data }) => {
        const conversation = payload.conversationId
          ? publicConversation(await chat.visitorOwned(data.visitor.id, payload.conversationId))
          : await currentConversation(data.visitor.id);
        const messages: Message[] = conversation
          ? await store.messages.list(conversation.id, { after: payload.after ?? 0, includeInternal: false })
          : [];
        return { messages, conversation };
      }),

      typing: handler(schemas.visitorTyping, async (payload, { data }) => {
        const conversation = await store.conversations.openForVisitor(data.visitor.id);
        if (conversation)
          deps.notifier.visitorTyping(publicConversation(conversation), payload.typing, payload.preview);
        return {};
      }),

      'conversation:rate': handler(schemas.conversationRate, async (payload, { data }) => ({
        conversation: await chat.rate(data.visitor.id, payload),
      })),

      'conversation:close': handler(schemas.conversationRef, async (payload, { data }) => ({
        conversation: await chat.visitorClose(data.visitor.id, payload.conversationId),
      })),

      // Never overwrites a field the site signed: such a field is left as it is and listed in `ignored`.
      'visitor:update': handler(schemas.visitorUpdate, async (payload, { data }) => {
        const updated = await store.visitors.update(data.visitor.id, payload);
        if (updated) data.visitor = connectedVisitor(updated);
        const open = await store.conversations.openForVisitor(data.visitor.id);
        if (open) deps.notifier.conversationUpdated(publicConversation(open));
        const ignored = (['name', 'email'] as const).filter(
          (field) => payload[field] !== undefined && data.visitor.verifiedFields.includes(field),
        );
        return { ignored };
      }),

      'visitor:context': handler(schemas.visitorContext, async (payload, socket) => {
        const userAgent = String(socket.handshake.headers['user-agent'] ?? '').slice(0, 400);
        await store.visitors.setContext(socket.data.visitor.id, { ...payload, userAgent });
        return {};
      }),

      'visitor:identify': handler(schemas.visitorIdentify, async (payload, socket) => {
        const { data } = socket;
        const identity = await verifyIdentity(payload, data.site.identitySecret);
        const owner = await store.visitors.bindUser(data.visitor.id, data.site.id, identity.userId);
        // Identify may turn this socket into another (existing) visitor: a blocked one stays blocked, whatever
        // address or token the socket came with. bindUser changed nothing for an existing owner.
        const ip = connectionAddress(socket.conn, config.trustProxy);
        if (await deps.moderation.isBlocked(data.site.id, owner.id, ip)) {
          setImmediate(() => socket.disconnect(true)); // after the refusal below is acknowledged
          throw refuse('blocked', 'you cannot use the chat of this site');
        }
        await store.visitors.verify(owner.id, identity.signed, identity.verifiedFields);
        const updated = (await store.visitors.update(owner.id, identity.unsigned)) ?? owner;
        if (updated.id !== data.visitor.id) {
          await store.blocks.recordAddress(updated.id, ip);
          await socket.leave(rooms.visitor(data.visitor.id));
          await socket.join(rooms.visitor(updated.id));
        }
        data.visitor = connectedVisitor(updated);
        return { session: await session(socket) };
      }),
    },
    eventBudget(config.visitorEventLimit, ({ data }) =>
      deps.log.warn(
        { visitorId: (data as VisitorData).visitor.id, siteId: (data as VisitorData).site.id },
        'visitor flooding: connection cut off',
      ),
    ),
  );

  ns.on('connection', async (raw: Socket) => {
    const socket = raw as VisitorSocket;
    attach(socket, events);
    try {
      await socket.join(rooms.visitor(socket.data.visitor.id));
      socket.emit('session', await session(socket));
    } catch (error) {
      // The store is unavailable: let the client reconnect rather than wait for a session forever.
      deps.log.warn({ err: error }, 'visitor session failed');
      socket.disconnect(true);
    }
  });
}
