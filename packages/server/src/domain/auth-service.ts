import type { Agent } from '@parley/protocol';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import { isUniqueViolation } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { refuse } from './errors.js';
import { DUMMY_PASSWORD_HASH, hashPassword, newToken, sha256, verifyPassword } from './secrets.js';

/** Agent login with throttling, bearer tokens (stored hashed, expiring), logout. */
export class AuthService {
  private readonly revokedListeners: ((tokenHash: string) => void)[] = [];
  private readonly agentRevokedListeners: ((agentId: string) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly coord: Coordinator,
    private readonly config: Config,
  ) {}

  async login(
    email: string,
    password: string,
    ip: string,
  ): Promise<{ token: string; agent: Agent; expiresAt: string }> {
    const { maxFailures, windowMs } = this.config.loginThrottle;
    const keys = [`login:email:${email.toLowerCase()}`, `login:ip:${ip}`];
    const [byEmail, byIp] = await Promise.all(keys.map((k) => this.coord.count(k)));
    if ((byEmail ?? 0) >= maxFailures || (byIp ?? 0) >= maxFailures * 4)
      throw refuse('too_many_attempts', 'too many failed logins; wait a few minutes and try again');
    const found = await this.store.agents.credentialsByEmail(email);
    const ok = await verifyPassword(password, found?.passwordHash ?? (await DUMMY_PASSWORD_HASH));
    if (!found || !ok || !found.agent.active) {
      await Promise.all(keys.map((k) => this.coord.increment(k, windowMs)));
      throw refuse('invalid_credentials', 'wrong email or password');
    }
    await this.coord.reset(keys[0]!);
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.config.tokenTtlMs);
    await this.store.tokens.create(sha256(token), found.agent.id, expiresAt);
    return { token, agent: found.agent, expiresAt: expiresAt.toISOString() };
  }

  async agentForToken(token: string): Promise<Agent | null> {
    return (await this.sessionForToken(token))?.agent ?? null;
  }

  /** The agent of a live token and when that token expires (an agent socket ends then). */
  sessionForToken(token: string): Promise<{ agent: Agent; expiresAt: Date } | null> {
    return this.store.tokens.sessionFor(sha256(token));
  }

  async logout(token: string): Promise<void> {
    const tokenHash = sha256(token);
    await this.store.tokens.revoke(tokenHash);
    for (const listener of this.revokedListeners) listener(tokenHash);
  }

  /** Revokes every token of an agent (deactivation) and tells listeners, e.g. to disconnect their sockets. */
  async revokeAgent(agentId: string): Promise<void> {
    await this.store.tokens.revokeAllFor(agentId);
    for (const listener of this.agentRevokedListeners) listener(agentId);
  }

  onAgentRevoked(listener: (agentId: string) => void): void {
    this.agentRevokedListeners.push(listener);
  }

  /** Called after a token is revoked (logout), e.g. to disconnect the sockets that logged in with it. */
  onTokenRevoked(listener: (tokenHash: string) => void): void {
    this.revokedListeners.push(listener);
  }

  async createAgent(input: {
    email: string;
    name: string;
    password: string;
    role: Agent['role'];
    maxChats?: number | undefined;
  }): Promise<Agent> {
    if (await this.store.agents.credentialsByEmail(input.email))
      throw refuse('conflict', 'an agent with this email exists');
    try {
      return await this.store.agents.create({ ...input, passwordHash: await hashPassword(input.password) });
    } catch (error) {
      if (isUniqueViolation(error)) throw refuse('conflict', 'an agent with this email exists');
      throw error;
    }
  }
}
