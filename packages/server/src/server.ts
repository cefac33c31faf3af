import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server as SocketServer } from 'socket.io';
import { bootstrap } from './bootstrap.js';
import type { Config } from './config.js';
import type { Coordinator } from './coord/coordinator.js';
import { MemoryCoordinator } from './coord/memory-coordinator.js';
import { AttachmentService } from './domain/attachment-service.js';
import { AttachmentSweeper } from './domain/attachment-sweeper.js';
import { AttachmentUrls } from './domain/attachment-urls.js';
import { AuthService } from './domain/auth-service.js';
import { ChatService } from './domain/chat-service.js';
import { clockFrom } from './domain/clock.js';
import { emailAddressing } from './domain/email/addressing.js';
import { EmailNotices } from './domain/email/email-notices.js';
import { EmailWorker } from './domain/email/email-worker.js';
import { InboundEmailService } from './domain/email/inbound-email-service.js';
import { smtpMailer } from './domain/email/mailer.js';
import { ownAddresses } from './domain/email/own-addresses.js';
import { EmailLinks } from './domain/email-links.js';
import { ModerationService } from './domain/moderation-service.js';
import { PresenceService } from './domain/presence-service.js';
import { Reassigner } from './domain/reassigner.js';
import { Receipts } from './domain/receipts.js';
import { newToken } from './domain/secrets.js';
import { SiteCache } from './domain/site-cache.js';
import { VisitorService } from './domain/visitor-service.js';
import { VisitorTokens } from './domain/visitor-tokens.js';
import { startInboundSmtp } from './email/inbound-smtp.js';
import { ReplyAttachments } from './email/reply-attachments.js';
import { createHttpApp } from './http/http-app.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { installAgentNamespace } from './realtime/agent-namespace.js';
import { connectError } from './realtime/connect-error.js';
import { installConnectionGuard, installSameOriginGuard } from './realtime/connection-guard.js';
import { InFlight } from './realtime/in-flight.js';
import { rooms } from './realtime/rooms.js';
import { SocketNotifier } from './realtime/socket-notifier.js';
import type { AgentNamespace, VisitorNamespace } from './realtime/sockets.js';
import { installVisitorNamespace } from './realtime/visitor-namespace.js';
import { openStore } from './store/store.js';

/** The largest email the inbound SMTP listener takes (attachments included, base64-encoded). */
const INBOUND_EMAIL_MAX_BYTES = 25 * 1024 * 1024;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function openCoordinator(
  config: Config,
  log: Logger,
): Promise<{ coord: Coordinator; adapter?: unknown; onFanoutRecovered?: (fn: () => void) => void }> {
  if (!config.redisUrl) return { coord: new MemoryCoordinator() };
  const { openRedisCoordination } = await import('./coord/redis-coordinator.js');
  return openRedisCoordination(config, log);
}

/** Wires store, coordination, domain, HTTP and Socket.IO together. One instance = one Parley process. */
export async function startParley(config: Config, log: Logger) {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  });
  log.info({ store: store.db.kind, coordination: config.redisUrl ? 'redis' : 'memory' }, 'store ready');
  const { coord, adapter, onFanoutRecovered } = await openCoordinator(config, log);
  const metrics = createMetrics(
    async () => (await store.conversations.queueStats()).length,
    () => ({ visitor: visitorNs.sockets.size, agent: agentNs.sockets.size }),
  );
  const auth = new AuthService(store, coord, config);
  const tokens = new VisitorTokens(await store.settings.getOrInit('visitor_token_secret', newToken()));
  const urls = new AttachmentUrls(await store.settings.getOrInit('attachment_url_secret', newToken()));
  const attachments = new AttachmentService(store, coord, urls, { visitorUploads: config.uploads.visitorLimit });
  const sites = new SiteCache(store);
  const clock = clockFrom(config.clockStart);
  const links = new EmailLinks(await store.settings.getOrInit('email_link_secret', newToken()), clock.now);
  const inFlight = new InFlight();
  let stopping = false;
  // Usable: bootstrap is done (the first admin and the default site exist). Until then HTTP answers 503
  // (except health: http/routes/health-routes.ts) and a socket handshake waits for it (below).
  let ready = false;
  let markReady = () => {};
  const bootstrapped = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const httpServer = createHttpServer();
  const io = new SocketServer(httpServer, {
    maxHttpBufferSize: config.maxHttpBufferSize,
    cors: { origin: true, credentials: false },
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    perMessageDeflate: false,
    ...(adapter ? { adapter: adapter as never } : {}),
  });
  // One server, two namespaces with their own event maps and socket data: each is typed where it is made.
  const agentNs = io.of('/agent') as unknown as AgentNamespace;
  const visitorNs = io.of('/visitor') as unknown as VisitorNamespace;
  const notifier = new SocketNotifier(agentNs, visitorNs, urls);
  // After a fan-out outage, this process's clients may have missed events from other processes.
  onFanoutRecovered?.(() => {
    log.info('fan-out recovered: asking local clients to resync');
    visitorNs.local.emit('server:resync', {});
    agentNs.local.emit('server:resync', {});
  });
  const chat = new ChatService(store, coord, notifier, metrics, log);
  const receipts = new Receipts(store, notifier, (visitorId) => notifier.visitorOnline(visitorId), log);
  notifier.onVisitorDelivery = (message, visitorId) => receipts.delivered(message, visitorId);
  const moderation = new ModerationService(
    store,
    chat,
    (visitorId) => visitorNs.in(rooms.visitor(visitorId)).disconnectSockets(true),
    log,
  );
  // On logout, the sockets opened with that token go too (on every process, through the adapter).
  auth.onTokenRevoked((tokenHash) => agentNs.in(rooms.agentToken(tokenHash)).disconnectSockets(true));
  const ctx = { log, metrics, inFlight };
  // Per-IP connection cap, checked before any namespace work (its middleware is registered first).
  installConnectionGuard(io, [agentNs, visitorNs], config);
  installSameOriginGuard(agentNs);
  // Waits rather than refuses: socket.io clients do not retry a handshake refused by a middleware.
  const stillStarting = connectError('unavailable', 'the server is starting');
  for (const ns of [agentNs, visitorNs])
    ns.use((_socket, next) => {
      if (ready) return next();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<Error>((resolve) => {
        timer = setTimeout(resolve, 10_000, stillStarting);
      });
      void Promise.race([bootstrapped, gaveUp]).then((error) => {
        clearTimeout(timer);
        next(error ?? undefined);
      });
    });
  // Outgoing email (docs/email.md): queued in the outbox by the notices, sent by the worker (after listen).
  let listeningPort = config.port;
  let emailWorker: EmailWorker | undefined;
  const emailNotices = new EmailNotices({
    store,
    coord,
    links,
    clock,
    addressing: () => emailAddressing(config, listeningPort),
    afterMs: config.email.afterMs,
    linkTtlMs: config.email.linkTtlMs,
    log,
    queued: () => void emailWorker?.kick(),
  });
  chat.onAssignment((assignment) => emailNotices.assigned(assignment));
  const visitors = new VisitorService(
    store,
    coord,
    chat,
    notifier,
    tokens,
    sites,
    moderation,
    { visitor: config.visitorMessageLimit, site: config.siteMessageLimit },
    links,
    emailNotices,
  );
  const inbound = new InboundEmailService(
    store,
    chat,
    visitors,
    moderation,
    links,
    () => ownAddresses(config, listeningPort),
    new ReplyAttachments(store, attachments, config.uploads.maxBytes),
    log,
  );
  const presence = new PresenceService(coord, notifier, chat.router, log);
  installAgentNamespace(agentNs, { ...ctx, chat, auth, presence, urls, receipts });
  installVisitorNamespace(visitorNs, { ...ctx, config, visitors, urls, receipts });

  const app = createHttpApp({
    config,
    store,
    coord,
    auth,
    chat,
    moderation,
    sites,
    clock,
    attachments,
    tokens,
    inbound,
    links,
    metrics,
    log,
    staticRoot: config.staticRoot ?? REPO_ROOT,
    isStopping: () => stopping,
    isReady: () => ready,
  });
  // Socket.IO answers its own path (HTTP long-polling); Express must not answer it with a 404 as well.
  httpServer.on('request', (req, res) => void (req.url?.startsWith('/socket.io/') || app(req, res)));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  listeningPort = port;
  await bootstrap(store, auth, config, port, log);
  ready = true;
  markReady();
  const reassigner = new Reassigner({ store, coord, chat, graceMs: config.reassignGraceMs, log }).start();
  const sweeper = new AttachmentSweeper({
    store,
    blobs: store.blobs,
    unusedMs: config.uploads.unusedMs,
    everyMs: config.uploads.sweepEveryMs,
    log,
  }).start();
  emailWorker = new EmailWorker({
    store,
    notices: emailNotices,
    mailer: config.email.smtpUrl ? smtpMailer(config.email.smtpUrl) : null,
    pollMs: config.email.pollMs,
    retryBaseMs: config.email.retryBaseMs,
    log,
  }).start();
  void chat.router.request();
  // Replies to Parley's emails over SMTP (docs/email.md); the webhook needs no listener of its own.
  const inboundSmtp =
    config.email.inbound.port === undefined
      ? null
      : await startInboundSmtp({
          host: config.email.inbound.host,
          port: config.email.inbound.port,
          maxBytes: INBOUND_EMAIL_MAX_BYTES,
          inbound,
          log,
        });
  log.info({ host: config.host, port }, 'listening');

  return {
    port,
    store,
    async stop() {
      if (stopping) return;
      stopping = true;
      log.info('shutting down');
      reassigner.stop();
      sweeper.stop();
      const emailStopped = emailWorker?.stop();
      io.of('/visitor').emit('server:shutdown', { reconnect: true });
      io.of('/agent').emit('server:shutdown', { reconnect: true });
      httpServer.close();
      await inboundSmtp?.close();
      await chat.router.stop();
      await inFlight.idle();
      // A send in progress may take its SMTP timeouts; its row is leased and goes again from another process.
      await Promise.race([emailStopped, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      await coord.close();
      await store.db.close();
      log.info('stopped');
    },
  };
}
