import type { RestRoute } from '@parley/protocol';
import compression from 'compression';
import express from 'express';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import type { AttachmentService } from '../domain/attachment-service.js';
import type { AuthService } from '../domain/auth-service.js';
import type { ChatService } from '../domain/chat-service.js';
import type { Clock } from '../domain/clock.js';
import type { InboundEmailService } from '../domain/email/inbound-email-service.js';
import type { EmailLinks } from '../domain/email-links.js';
import type { ModerationService } from '../domain/moderation-service.js';
import type { SiteCache } from '../domain/site-cache.js';
import type { VisitorTokens } from '../domain/visitor-tokens.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { discardUnreadBody, errorHandler, notFound } from './error-handler.js';
import { createRestRouter, type RestHandlers } from './rest-router.js';
import { agentHandlers } from './routes/agent-routes.js';
import { authHandlers } from './routes/auth-routes.js';
import { cannedHandlers } from './routes/canned-routes.js';
import { conversationHandlers } from './routes/conversation-routes.js';
import { emailHandlers, inboundWebhookGate } from './routes/email-routes.js';
import { createHealthRouter } from './routes/health-routes.js';
import { moderationHandlers } from './routes/moderation-routes.js';
import { createResumeRouter } from './routes/resume-routes.js';
import { siteHandlers } from './routes/site-routes.js';
import { createStaticRouter } from './routes/static-routes.js';
import { statsHandlers } from './routes/stats-routes.js';
import { createUploadRouter } from './routes/upload-routes.js';
import { widgetHandlers } from './routes/widget-routes.js';
import { securityHeaders } from './security-headers.js';

export type HttpDeps = {
  config: Config;
  store: Store;
  coord: Coordinator;
  auth: AuthService;
  chat: ChatService;
  moderation: ModerationService;
  sites: SiteCache;
  /** The server's clock (PARLEY_NOW): business hours. */
  clock: Clock;
  attachments: AttachmentService;
  tokens: VisitorTokens;
  /** Replies to Parley's emails (the inbound webhook). */
  inbound: InboundEmailService;
  /** Magic links (emails): `GET /r/:token` reopens a conversation. */
  links: EmailLinks;
  metrics: Metrics;
  log: Logger;
  staticRoot: string;
  isStopping: () => boolean;
  /** Bootstrap is done: the first admin and the default site exist. */
  isReady: () => boolean;
};

export function createHttpApp(d: HttpDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', d.config.trustProxy);
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  // dynamic text (JSON, the demo page, /metrics) compressed on the fly, br first; bodies under 512 B stay
  // as they are (smaller than the headers compression adds would save); build outputs go out pre-compressed
  app.use(compression({ threshold: 512 }));
  // Uploads stream their own bodies (and refuse them unread): before the parsers and the body discarder.
  app.use(createUploadRouter(d));
  // The inbound-email webhook checks its secret before reading its (larger) body.
  app.use(inboundWebhookGate(d.config, d.log, d.metrics));
  app.use(express.json({ limit: d.config.jsonBodyLimit, strict: true }));
  app.use(discardUnreadBody(d.config.maxHttpBufferSize));
  app.use(createHealthRouter(d));
  // Every route of the protocol's REST table has its handler here (a missing or extra one does not compile).
  const rest = {
    ...authHandlers(d.auth),
    ...siteHandlers(d.store, d.sites),
    ...agentHandlers(d.store, d.auth, d.coord, d.chat),
    ...conversationHandlers(d.store, d.chat, d.attachments),
    ...moderationHandlers(d.moderation),
    ...cannedHandlers(d.store),
    ...statsHandlers(d.store, d.coord),
    ...widgetHandlers(d.sites, d.coord, d.clock),
    ...emailHandlers(d.config, d.inbound),
  } satisfies RestHandlers<RestRoute>;
  app.use(createRestRouter(d.auth, rest));
  app.use(createResumeRouter(d.links, d.store));
  app.use(createStaticRouter(d.staticRoot, d.store));
  app.use(notFound);
  app.use(errorHandler(d.log, d.metrics));
  return app;
}
