/**
 * Type test, checked by `pnpm typecheck` (never run): REST handlers answer the response type the protocol
 * declares for their route. Each `@ts-expect-error` below must stay an error.
 */
import type { Agent, RestRoute } from '@parley/protocol';
import type { RestHandlers } from '../../src/http/rest-router.js';

declare const agent: Agent;

export const handlers = [
  {
    'GET /api/me': ({ agent }) => ({ agent }),
    'POST /api/auth/logout': () => ({ ok: true }),
  } satisfies Partial<RestHandlers<RestRoute>>,
  {
    // @ts-expect-error no such route
    'GET /api/mee': () => ({ agent }),
  } satisfies Partial<RestHandlers<RestRoute>>,
  {
    // @ts-expect-error GET /api/me answers `{ agent }`
    'GET /api/me': () => ({ me: agent }),
  } satisfies Partial<RestHandlers<RestRoute>>,
  {
    // @ts-expect-error the body of PATCH /api/canned/:id has no `role`
    'PATCH /api/canned/:id': ({ body }) => ({ canned: body.role }),
  } satisfies Partial<RestHandlers<RestRoute>>,
  {
    // @ts-expect-error GET /api/sites has no `:id`
    'GET /api/sites': ({ params }) => ({ sites: [params.id] }),
  } satisfies Partial<RestHandlers<RestRoute>>,
];
