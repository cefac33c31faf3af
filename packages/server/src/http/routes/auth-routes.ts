import { schemas } from '@parley/protocol';
import { type Request, Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import { bearerToken, currentAgent, requireAgent } from '../auth.js';
import { parse } from '../error-handler.js';

const clientIp = (req: Request) => req.ip ?? 'unknown';

export function authRoutes(auth: AuthService) {
  const router = Router();
  router.post('/api/auth/login', async (req, res) => {
    const { email, password } = parse(schemas.loginBody, req.body);
    res.json(await auth.login(email, password, clientIp(req)));
  });
  router.post('/api/auth/logout', requireAgent(auth), async (req, res) => {
    await auth.logout(bearerToken(req)!);
    res.json({ ok: true });
  });
  /** The agent's own password change: every other session of theirs ends, this one stays. */
  router.post('/api/me/password', requireAgent(auth), async (req, res) => {
    const { currentPassword, newPassword } = parse(schemas.changePasswordBody, req.body);
    await auth.changeOwnPassword(currentAgent(req), bearerToken(req)!, currentPassword, newPassword, clientIp(req));
    res.json({ ok: true });
  });
  router.get('/api/me', requireAgent(auth), (req, res) => {
    res.json({ agent: currentAgent(req) });
  });
  return router;
}
