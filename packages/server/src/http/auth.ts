import type { Agent, Role } from '@parley/protocol';
import type { Request } from 'express';
import type { AuthService } from '../domain/auth-service.js';
import { refuse } from '../domain/errors.js';

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
  return match?.[1] ?? null;
}

/** The logged-in agent of a request and their bearer token; with roles, the agent must have one of them. */
export async function authenticate(
  auth: AuthService,
  req: Request,
  roles: readonly Role[],
): Promise<{ agent: Agent; token: string }> {
  const token = bearerToken(req);
  const agent = token ? await auth.agentForToken(token) : null;
  if (!token || !agent) throw refuse('unauthorized', 'log in first');
  if (roles.length > 0 && !roles.includes(agent.role)) throw refuse('forbidden', `needs role ${roles.join(' or ')}`);
  return { agent, token };
}
