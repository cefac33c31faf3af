import { schemas } from '@parley/protocol';
import { Router } from 'express';
import type { AuthService } from '../../domain/auth-service.js';
import { bearerToken, currentAgent, requireAgent } from '../auth.js';
import { parse } from '../errors.js';

export function authRoutes(auth: AuthService) {
  const router = Router();
  router.post('/api/auth/login', async (req, res) => {
    const { email, password } = parse(schemas.loginBody, req.body);
    res.json(await auth.login(email, password, req.ip ?? 'unknown'));
  });
  router.post('/api/auth/logout', requireAgent(auth), async (req, res) => {
    await auth.logout(bearerToken(req)!);
    res.json({ ok: true });
  });
  router.get('/api/me', requireAgent(auth), (req, res) => {
    res.json({ agent: currentAgent(req) });
  });
  return router;
}
