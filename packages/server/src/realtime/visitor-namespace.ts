import { schemas, type VisitorClientEvents } from '@parley/protocol';
import type { Config } from '../config.js';
import type { AttachmentUrls } from '../domain/attachment-urls.js';
import { DomainError } from '../domain/errors.js';
import type { Receipts } from '../domain/receipts.js';
import type { VisitorService } from '../domain/visitor-service.js';
import { isUnavailable } from '../driver-errors.js';
import { connectionAddress } from './client-address.js';
import { connectError } from './connect-error.js';
import { createEventBudget, fromOwnOrigin } from './connection-guard.js';
import { attach, type HandlerContext, type HandlerTable, listeners, on } from './handle.js';
import { rooms } from './rooms.js';
import { originOf } from './socket-notifier.js';
import type { VisitorNamespace, VisitorSocket, VisitorSocketData } from './sockets.js';

/** `messages:sync` from a visitor: the conversation is optional (default: the current one). */
const visitorSync = schemas.messagesSync.extend({
  conversationId: schemas.conversationRef.shape.conversationId.optional(),
});

export type VisitorDeps = HandlerContext & {
  config: Config;
  visitors: VisitorService;
  urls: AttachmentUrls;
  receipts: Receipts;
};

const handler = on<VisitorSocket>();

/** The visitor namespace's events: transport only (rooms, the socket's copy of the visitor); the rest is VisitorService. */
function visitorHandlers({ visitors, config, urls, receipts }: VisitorDeps) {
  return {
    'message:send': handler(schemas.visitorMessageSend, async (payload, socket) => ({
      message: urls.message(await visitors.send(socket.data, payload, originOf(socket))),
    })),

    'messages:sync': handler(visitorSync, async (payload, { data }) => {
      const { messages, conversation } = await visitors.sync(data.visitor.id, payload, data.resumed);
      return { messages: urls.messages(messages), conversation };
    }),

    typing: handler(schemas.visitorTyping, async (payload, { data }) => {
      await visitors.typing(data.visitor.id, payload.typing, payload.preview);
      return {};
    }),

    'conversation:rate': handler(schemas.conversationRate, async (payload, { data }) => ({
      conversation: await visitors.rate(data.visitor.id, payload),
    })),

    'conversation:close': handler(schemas.visitorConversationClose, async (payload, { data }) => ({
      conversation: await visitors.close(data.visitor.id, payload.conversationId, payload.transcript === true),
    })),

    'messages:seen': handler(schemas.visitorMessagesSeen, async ({ seq }, { data }) => {
      await receipts.visitorSeen(data.visitor.id, seq);
      return {};
    }),

    'visitor:update': handler(schemas.visitorUpdate, async (payload, { data }) => {
      const { visitor, ignored } = await visitors.update(data.visitor, payload);
      data.visitor = visitor;
      return { ignored };
    }),

    'visitor:context': handler(schemas.visitorContext, async (payload, socket) => {
      const userAgent = String(socket.handshake.headers['user-agent'] ?? '').slice(0, 400);
      await visitors.setContext(socket.data.visitor.id, { ...payload, userAgent });
      return {};
    }),

    'visitor:identify': handler(schemas.visitorIdentify, async (payload, socket) => {
      const { data } = socket;
      const ip = connectionAddress(socket.conn, config.trustProxy);
      let visitor: VisitorSocketData['visitor'];
      try {
        visitor = await visitors.identify(data, payload, ip);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'blocked') setImmediate(() => socket.disconnect(true)); // after the refusal is acknowledged
        throw error;
      }
      if (visitor.id !== data.visitor.id) {
        await socket.leave(rooms.visitor(data.visitor.id));
        await socket.join(rooms.visitor(visitor.id));
      }
      data.visitor = visitor;
      return { session: await visitors.session(data) };
    }),
  } satisfies HandlerTable<VisitorClientEvents, VisitorSocket>;
}

export function installVisitorNamespace(ns: VisitorNamespace, deps: VisitorDeps) {
  const { visitors, config } = deps;

  ns.use(async (socket, next) => {
    try {
      const raw: Record<string, unknown> = { ...socket.handshake.auth };
      let auth = schemas.visitorAuth.safeParse(raw);
      // A malformed magic link is refused like any bad one (a normal session that says so), not the site.
      if (!auth.success && raw.resume !== undefined) auth = schemas.visitorAuth.safeParse({ ...raw, resume: '-' });
      if (!auth.success) return next(connectError('unknown_site', 'unknown site key'));
      const connection = await visitors.connect({
        siteKey: auth.data.siteKey,
        visitorToken: auth.data.visitorToken,
        resume: auth.data.resume,
        origin: socket.handshake.headers.origin,
        ownOrigin: fromOwnOrigin(socket.handshake.headers),
        ip: connectionAddress(socket.conn, config.trustProxy),
      });
      socket.data = { ...connection, noEcho: auth.data.echo === false };
      next();
    } catch (error) {
      if (error instanceof DomainError && error.fault === 'refused')
        return next(connectError(error.code, error.message));
      // Input never gets here (the schema refuses what the store cannot hold): this is the store, or a bug.
      if (isUnavailable(error)) deps.log.warn({ err: error }, 'visitor handshake: store unavailable');
      else deps.log.error({ err: error }, 'visitor handshake failed');
      next(connectError('unavailable', 'the chat is unavailable right now, retrying'));
    }
  });

  // The handlers, built once for the namespace: a connection only holds references to them.
  const events = listeners(
    deps,
    visitorHandlers(deps),
    createEventBudget<VisitorSocket>(config.visitorEventLimit, ({ data }) =>
      deps.log.warn({ visitorId: data.visitor.id, siteId: data.site.id }, 'visitor flooding: connection cut off'),
    ),
  );

  ns.on('connection', async (socket) => {
    attach(socket, events);
    try {
      await socket.join(rooms.visitor(socket.data.visitor.id));
      socket.emit('session', await visitors.session(socket.data));
    } catch (error) {
      // The store is unavailable: let the client reconnect rather than wait for a session forever.
      deps.log.warn({ err: error }, 'visitor session failed');
      socket.disconnect(true);
    }
  });
}
