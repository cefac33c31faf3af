import type { RestRoute } from '@parley/protocol';
import type { Request } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import type { RestHandlers } from '../rest-router.js';

const clientIp = (req: Request) => req.ip ?? 'unknown';

export function authHandlers(auth: AuthService) {
  return {
    'POST /api/auth/login': ({ body, req }) => auth.login(body.email, body.password, clientIp(req)),
    'POST /api/auth/logout': async ({ token }) => {
      await auth.logout(token);
      return { ok: true };
    },
    /** The agent's own password change: every other session of theirs ends, this one stays. */
    'POST /api/me/password': async ({ body, agent, token, req }) => {
      await auth.changeOwnPassword(agent, token, body.currentPassword, body.newPassword, clientIp(req));
      return { ok: true };
    },
    'GET /api/me': ({ agent }) => ({ agent }),
  } satisfies Partial<RestHandlers<RestRoute>>;
}
