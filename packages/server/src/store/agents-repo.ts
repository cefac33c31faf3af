import type { Agent, Role } from '@parley/protocol';
import { newId } from './ids.js';
import { toAgent } from './rows.js';
import type { SqlDatabase, SqlExecutor } from './sql.js';

type AgentPatch = {
  name?: string | undefined;
  role?: Role | undefined;
  maxChats?: number | undefined;
  active?: boolean | undefined;
  passwordHash?: string | undefined;
  emailNotifications?: boolean | undefined;
};

async function updateAgent(db: SqlExecutor, id: string, patch: AgentPatch): Promise<Agent | null> {
  const rows = await db.query(
    `update agents set name = coalesce($2, name), role = coalesce($3, role), max_chats = coalesce($4, max_chats),
       active = coalesce($5, active), password_hash = coalesce($6, password_hash),
       email_notifications = coalesce($7, email_notifications)
     where id = $1 returning *`,
    [
      id,
      patch.name ?? null,
      patch.role ?? null,
      patch.maxChats ?? null,
      patch.active ?? null,
      patch.passwordHash ?? null,
      patch.emailNotifications ?? null,
    ],
  );
  return rows[0] ? toAgent(rows[0]) : null;
}

export function agentsRepo(db: SqlDatabase) {
  return {
    async create(input: {
      email: string;
      name: string;
      role: Role;
      passwordHash: string;
      maxChats?: number | undefined;
    }) {
      const rows = await db.query(
        `insert into agents (id, email, name, role, password_hash, max_chats)
         values ($1, lower($2), $3, $4, $5, $6) returning *`,
        [newId(), input.email, input.name, input.role, input.passwordHash, input.maxChats ?? 5],
      );
      return toAgent(rows[0]!);
    },
    async count(): Promise<number> {
      const rows = await db.query<{ n: number }>('select count(*)::int as n from agents');
      return Number(rows[0]?.n ?? 0);
    },
    async list(): Promise<Agent[]> {
      return (await db.query('select * from agents order by name, id')).map(toAgent);
    },
    async byId(id: string): Promise<Agent | null> {
      const rows = await db.query('select * from agents where id = $1', [id]);
      return rows[0] ? toAgent(rows[0]) : null;
    },
    /** With the password hash: only for login. */
    async credentialsByEmail(email: string): Promise<{ agent: Agent; passwordHash: string } | null> {
      const rows = await db.query('select * from agents where email = lower($1)', [email]);
      const row = rows[0];
      return row ? { agent: toAgent(row), passwordHash: String(row.password_hash) } : null;
    },
    async update(id: string, patch: AgentPatch): Promise<Agent | null> {
      return updateAgent(db, id, patch);
    },
    /**
     * Applies a patch unless it would leave no active admin: the active admins' rows are locked first
     * (`for update`), so concurrent demotions queue up and the later one sees the earlier one's result.
     * Returns the agent before and after, null for an unknown id, or `last_admin`.
     */
    async updateKeepingAnAdmin(
      id: string,
      patch: AgentPatch,
    ): Promise<{ agent: Agent; before: Agent } | null | 'last_admin'> {
      return db.transaction(async (tx) => {
        const admins = await tx.query<{ id: string }>(
          `select id from agents where role = 'admin' and active order by id for update`,
        );
        const rows = await tx.query('select * from agents where id = $1 for update', [id]);
        if (!rows[0]) return null;
        const before = toAgent(rows[0]);
        const losesAdmin =
          admins.some((a) => a.id === id) &&
          ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
        if (losesAdmin && admins.length <= 1) return 'last_admin';
        const agent = await updateAgent(tx, id, patch);
        return agent && { agent, before };
      });
    },
    /** Open (assigned) conversations per agent. */
    async loads(agentIds?: string[]): Promise<Map<string, number>> {
      const rows = await db.query<{ agent_id: string; n: number }>(
        `select agent_id, count(*)::int as n from conversations where status = 'assigned'
         ${agentIds ? 'and agent_id = any($1)' : ''} group by agent_id`,
        agentIds ? [agentIds] : [],
      );
      return new Map(rows.map((r) => [String(r.agent_id), Number(r.n)]));
    },
  };
}

export function tokensRepo(db: SqlDatabase) {
  return {
    async create(tokenHash: string, agentId: string, expiresAt: Date) {
      await db.query('insert into auth_tokens (token_hash, agent_id, expires_at) values ($1, $2, $3)', [
        tokenHash,
        agentId,
        expiresAt.toISOString(),
      ]);
    },
    /** The active agent a live token belongs to, and when the token expires. */
    async sessionFor(tokenHash: string): Promise<{ agent: Agent; expiresAt: Date } | null> {
      const rows = await db.query(
        `select a.*, t.expires_at as token_expires_at from auth_tokens t join agents a on a.id = t.agent_id
         where t.token_hash = $1 and t.expires_at > now() and a.active`,
        [tokenHash],
      );
      const row = rows[0];
      return row ? { agent: toAgent(row), expiresAt: new Date(row.token_expires_at as Date | string) } : null;
    },
    async revoke(tokenHash: string) {
      await db.query('delete from auth_tokens where token_hash = $1', [tokenHash]);
    },
    /** Revokes every token of an agent, but `keepTokenHash` when given. */
    async revokeAllFor(agentId: string, keepTokenHash: string | null = null) {
      await db.query('delete from auth_tokens where agent_id = $1 and token_hash is distinct from $2', [
        agentId,
        keepTokenHash,
      ]);
    },
    async purgeExpired() {
      await db.query('delete from auth_tokens where expires_at <= now()');
    },
  };
}

export function settingsRepo(db: SqlDatabase) {
  return {
    /** Returns the stored value, or stores and returns `fallback` when the key is new (first writer wins). */
    async getOrInit(key: string, fallback: string): Promise<string> {
      await db.query('insert into app_settings (key, value) values ($1, $2) on conflict (key) do nothing', [
        key,
        fallback,
      ]);
      const rows = await db.query<{ value: string }>('select value from app_settings where key = $1', [key]);
      return String(rows[0]!.value);
    },
  };
}
