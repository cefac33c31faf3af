import type { Agent, LoginResult, UpdateAgentBody } from '@parley/protocol';
import type { Config } from '../config.js';
import type { Coordinator } from '../coord/coordinator.js';
import { isUniqueViolation } from '../driver-errors.js';
import type { Store } from '../store/store.js';
import { refuse } from './errors.js';
import { LoginThrottle } from './login-throttle.js';
import { DUMMY_PASSWORD_HASH, hashPassword, newToken, sha256, verifyPassword } from './secrets.js';

/** Agent login with throttling, bearer tokens (stored hashed, expiring), logout. */
export class AuthService {
  private readonly revokedListeners: ((tokenHash: string) => void)[] = [];
  private readonly agentRevokedListeners: ((agentId: string, keepTokenHash: string | null) => void)[] = [];
  private readonly changedListeners: ((agentId: string) => void)[] = [];
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly store: Store,
    coord: Coordinator,
    private readonly config: Config,
  ) {
    this.throttle = new LoginThrottle(coord, config.loginThrottle);
  }

  async login(email: string, password: string, ip: string): Promise<LoginResult> {
    const found = await this.passwordChecked(email, password, ip);
    if (!found) throw refuse('invalid_credentials', 'wrong email or password');
    return { ...(await this.issueToken(found.id)), agent: found };
  }

  /**
   * The active agent with this email and password, or null (a wrong guess), under the login throttle: the
   * slot is taken before the password is checked (login-throttle.ts), so parallel guesses cannot all pass,
   * and only a wrong guess keeps it (a success or a store failure gives it back). Over it: 429.
   */
  private async passwordChecked(email: string, password: string, ip: string): Promise<Agent | null> {
    const ticket = await this.throttle.admit(email, ip);
    if (!ticket) throw refuse('too_many_attempts', 'too many failed attempts; wait a few minutes and try again');
    let wrongGuess = false;
    try {
      const found = await this.store.agents.credentialsByEmail(email);
      const ok = await verifyPassword(password, found?.passwordHash ?? (await DUMMY_PASSWORD_HASH));
      if (found && ok && found.agent.active) return found.agent;
      wrongGuess = true;
      return null;
    } finally {
      if (!wrongGuess) await this.throttle.release(ticket);
    }
  }

  private async issueToken(agentId: string): Promise<{ token: string; expiresAt: string }> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.config.tokenTtlMs);
    await this.store.tokens.create(sha256(token), agentId, expiresAt);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * An agent changes their own password: the current one must match (a wrong one counts as a failed login
   * from this address). Every other session of the agent ends; the one that made the change stays.
   */
  async changeOwnPassword(agent: Agent, token: string, currentPassword: string, newPassword: string, ip: string) {
    if (!(await this.passwordChecked(agent.email, currentPassword, ip)))
      throw refuse('invalid_credentials', 'the current password is wrong');
    await this.store.agents.update(agent.id, { passwordHash: await hashPassword(newPassword) });
    await this.endSessions(agent.id, sha256(token));
  }

  /**
   * An admin's change to an agent. Never leaves the deployment without an active admin (checked and
   * written in one locked transaction, so two admins demoting each other at once cannot both succeed).
   * Then: a password change ends the agent's other sessions (all of them, unless the admin changed their
   * own), a deactivation ends all of them, and a role (or name) change reconnects their live sockets with the new one.
   */
  async updateAgent(
    actor: { agent: Agent; token: string },
    id: string,
    patch: Omit<UpdateAgentBody, 'password'> & { password?: string | undefined },
  ): Promise<{ agent: Agent; before: Agent }> {
    const { password, ...rest } = patch;
    const result = await this.store.agents.updateKeepingAnAdmin(id, {
      ...rest,
      passwordHash: password ? await hashPassword(password) : undefined,
    });
    if (result === 'last_admin')
      throw refuse('conflict', 'this is the last active admin: make another agent admin first');
    if (!result) throw refuse('not_found', 'no such agent');
    const { agent, before } = result;
    if (rest.active === false) await this.endSessions(id, null);
    else if (password) await this.endSessions(id, actor.agent.id === id ? sha256(actor.token) : null);
    if (agent.role !== before.role || agent.name !== before.name)
      for (const listener of this.changedListeners) listener(id);
    return result;
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

  /**
   * Revokes every token of an agent but `keepTokenHash` (the session that asked, if any), and tells
   * listeners, e.g. to disconnect those sessions' sockets on every process.
   */
  async endSessions(agentId: string, keepTokenHash: string | null): Promise<void> {
    await this.store.tokens.revokeAllFor(agentId, keepTokenHash);
    for (const listener of this.agentRevokedListeners) listener(agentId, keepTokenHash);
  }

  onSessionsEnded(listener: (agentId: string, keepTokenHash: string | null) => void): void {
    this.agentRevokedListeners.push(listener);
  }

  /** Called after an agent's role or name changed (a socket holds a copy of both), e.g. to reconnect it. */
  onAgentChanged(listener: (agentId: string) => void): void {
    this.changedListeners.push(listener);
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
