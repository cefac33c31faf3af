import type { z } from 'zod';
import * as schemas from './schemas.js';

/** Who may call a route: anyone, any logged-in agent, or supervisors and admins, or admins only. */
export type RestAccess = 'public' | 'agent' | 'supervisor' | 'admin';

export type RestRouteSpec = {
  access: RestAccess;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success status when it is not 200. 204 answers no body. */
  status?: 201 | 202 | 204;
};

/**
 * Every REST route: access, input schemas and success status. Responses: `RestResponses` (rest.ts).
 * The file routes are not JSON and stay outside this table (packages/server/src/http/routes/upload-routes.ts,
 * docs/api.md): `POST /api/uploads` (multipart, field `file`; visitor or agent) → 201 `{attachment}`, and
 * `GET /api/uploads/:id` (and `/thumbnail`) answering the file's bytes.
 */
export const REST_ROUTES = {
  'POST /api/auth/login': { access: 'public', body: schemas.loginBody },
  'POST /api/auth/logout': { access: 'agent' },
  'GET /api/me': { access: 'agent' },
  'POST /api/me/password': { access: 'agent', body: schemas.changePasswordBody },
  'PATCH /api/me': { access: 'agent', body: schemas.updateMeBody },

  /** A provider's inbound-email webhook; checks its own secret (PARLEY_INBOUND_WEBHOOK_SECRET). */
  'POST /api/email/inbound': { access: 'public', body: schemas.inboundEmailBody, status: 202 },

  'GET /api/widget/config': { access: 'public', query: schemas.widgetConfigQuery },

  'GET /api/sites': { access: 'agent' },
  'GET /api/sites/:id': { access: 'admin' },
  'POST /api/sites': { access: 'admin', body: schemas.createSiteBody, status: 201 },
  'PATCH /api/sites/:id': { access: 'admin', body: schemas.updateSiteBody },

  'GET /api/agents': { access: 'agent' },
  'POST /api/agents': { access: 'admin', body: schemas.createAgentBody, status: 201 },
  'PATCH /api/agents/:id': { access: 'admin', body: schemas.updateAgentBody },

  'GET /api/conversations': { access: 'agent', query: schemas.listConversationsQuery },
  'GET /api/conversations/:id': { access: 'agent' },
  'GET /api/conversations/:id/messages': { access: 'agent' },
  'POST /api/conversations/:id/block': { access: 'agent', body: schemas.blockVisitorBody, status: 201 },

  'GET /api/blocks': { access: 'supervisor' },
  'DELETE /api/blocks/:id': { access: 'supervisor', status: 204 },

  'GET /api/canned': { access: 'agent' },
  'POST /api/canned': { access: 'admin', body: schemas.createCannedBody, status: 201 },
  'PATCH /api/canned/:id': { access: 'admin', body: schemas.updateCannedBody },
  'DELETE /api/canned/:id': { access: 'admin', status: 204 },

  'GET /api/stats': { access: 'supervisor', query: schemas.statsQuery },
  'GET /api/stats/live': { access: 'supervisor' },
} as const satisfies Record<string, RestRouteSpec>;
