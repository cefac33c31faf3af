import type { Agent, Role } from '@parley/protocol';
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../domain/auth-service.js';
import { refuse } from '../domain/errors.js';

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
  return match?.[1] ?? null;
}

/** The logged-in agent of this request (set by requireAgent). */
export function currentAgent(req: Request): Agent {
  return (req as Request & { agent: Agent }).agent;
}

/** Requires a valid bearer token; with roles, one of them. */
export function requireAgent(auth: AuthService, ...roles: Role[]): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    const agent = token ? await auth.agentForToken(token) : null;
    if (!agent) throw refuse('unauthorized', 'log in first');
    if (roles.length > 0 && !roles.includes(agent.role)) throw refuse('forbidden', `needs role ${roles.join(' or ')}`);
    (req as Request & { agent: Agent }).agent = agent;
    next();
  };
}
