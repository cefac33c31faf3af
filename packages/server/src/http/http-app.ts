import compression from 'compression';
import express from 'express';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import type { AuthService } from '../domain/auth-service.js';
import type { ChatService } from '../domain/chat-service.js';
import type { ModerationService } from '../domain/moderation-service.js';
import type { SiteCache } from '../domain/site-cache.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { discardUnreadBody, errorHandler, notFound } from './error-handler.js';
import { agentRoutes } from './routes/agent-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { cannedRoutes } from './routes/canned-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { moderationRoutes } from './routes/moderation-routes.js';
import { siteRoutes } from './routes/site-routes.js';
import { staticRoutes } from './routes/static-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { widgetRoutes } from './routes/widget-routes.js';
import { securityHeaders } from './security-headers.js';

export type HttpDeps = {
  config: Config;
  store: Store;
  coord: Coordinator;
  auth: AuthService;
  chat: ChatService;
  moderation: ModerationService;
  sites: SiteCache;
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
  app.use(express.json({ limit: d.config.jsonBodyLimit, strict: true }));
  app.use(discardUnreadBody(d.config.maxHttpBufferSize));
  app.use(healthRoutes(d));
  app.use(authRoutes(d.auth));
  app.use(siteRoutes(d.store, d.auth, d.sites));
  app.use(agentRoutes(d.store, d.auth, d.coord, d.chat));
  app.use(conversationRoutes(d.store, d.auth, d.chat));
  app.use(moderationRoutes(d.auth, d.moderation));
  app.use(cannedRoutes(d.store, d.auth));
  app.use(statsRoutes(d.store, d.auth, d.coord));
  app.use(widgetRoutes(d.sites, d.coord));
  app.use(staticRoutes(d.staticRoot, d.store));
  app.use(notFound);
  app.use(errorHandler(d.log, d.metrics));
  return app;
}
