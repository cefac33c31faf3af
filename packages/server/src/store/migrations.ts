import { BLOB_MIGRATION_STATEMENTS } from './blob-store.js';
import type { SqlDatabase } from './sql.js';

/**
 * A schema change: its statements run in order, in one transaction. One statement per entry, so that
 * nothing has to guess where a statement ends (a function body may hold semicolons).
 */
export type Migration = { version: number; name: string; statements: readonly string[] };

/**
 * Versioned schema migrations. Append only: never edit a migration that has shipped.
 * Each migration runs in one transaction, under an advisory lock so that several
 * processes starting at once against one PostgreSQL do not race.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      `create table app_settings (
  key text primary key,
  value text not null
)`,
      `create table sites (
  id text primary key,
  key text not null unique,
  name text not null,
  allowed_origins text[] not null default '{}',
  settings jsonb not null default '{}',
  identity_secret text not null,
  created_at timestamptz not null default now()
)`,
      `create table agents (
  id text primary key,
  email text not null unique,
  name text not null,
  role text not null check (role in ('agent', 'supervisor', 'admin')),
  password_hash text not null,
  max_chats integer not null default 5 check (max_chats between 1 and 50),
  active boolean not null default true,
  last_assigned_at timestamptz,
  created_at timestamptz not null default now()
)`,
      `create table auth_tokens (
  token_hash text primary key,
  agent_id text not null references agents(id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
)`,
      `create index auth_tokens_agent on auth_tokens(agent_id)`,
      `create table visitors (
  id text primary key,
  site_id text not null references sites(id) on delete cascade,
  user_id text,
  name text,
  email text,
  context jsonb not null default '{}',
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
)`,
      `create unique index visitors_site_user on visitors(site_id, user_id) where user_id is not null`,
      `create table conversations (
  id text primary key,
  site_id text not null references sites(id) on delete cascade,
  visitor_id text not null references visitors(id) on delete cascade,
  status text not null check (status in ('queued', 'assigned', 'closed')),
  agent_id text references agents(id),
  previous_agent_id text references agents(id),
  last_seq integer not null default 0,
  queued_at timestamptz not null default now(),
  first_response_at timestamptz,
  closed_at timestamptz,
  rating integer check (rating between 1 and 5),
  rating_comment text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
)`,
      `create unique index conversations_one_open_per_visitor on conversations(visitor_id) where status <> 'closed'`,
      `create index conversations_queue on conversations(queued_at) where status = 'queued'`,
      `create index conversations_agent_open on conversations(agent_id) where status = 'assigned'`,
      `create index conversations_created on conversations(created_at desc, id desc)`,
      `create table messages (
  id text primary key,
  conversation_id text not null references conversations(id) on delete cascade,
  seq integer not null,
  client_id text,
  author text not null check (author in ('visitor', 'agent', 'system')),
  author_id text,
  author_name text,
  text text not null,
  internal boolean not null default false,
  created_at timestamptz not null default now(),
  unique (conversation_id, seq)
)`,
      `create unique index messages_client_id on messages(conversation_id, client_id) where client_id is not null`,
      `create table canned_responses (
  id text primary key,
  shortcut text not null unique,
  text text not null,
  created_at timestamptz not null default now()
)`,
    ],
  },
  {
    version: 2,
    name: 'index conversations by visitor (idempotency lookups, visitor history)',
    statements: [`create index if not exists conversations_visitor on conversations(visitor_id, created_at desc)`],
  },
  {
    version: 3,
    name: 'moderation: visitor blocks and last known address',
    statements: [
      `alter table visitors add column if not exists last_ip text`,
      `create table visitor_blocks (
  id text primary key,
  site_id text not null references sites(id) on delete cascade,
  visitor_id text references visitors(id) on delete cascade,
  ip text,
  reason text,
  conversation_id text references conversations(id) on delete set null,
  created_by text references agents(id) on delete set null,
  created_at timestamptz not null default now(),
  check (visitor_id is not null or ip is not null)
)`,
      `create index visitor_blocks_site_visitor on visitor_blocks(site_id, visitor_id)`,
      `create index visitor_blocks_site_ip on visitor_blocks(site_id, ip)`,
    ],
  },
  {
    version: 4,
    name: 'client ids indexed by client id first (plan-stable idempotency lookups)',
    // Same uniqueness, columns swapped: the append statements look a clientId up across a visitor's
    // conversations, and are prepared once (store/sql.ts Statement). With client_id leading, the index
    // serves that lookup whatever plan PostgreSQL caches, even one chosen while the tables were empty.
    statements: [
      `drop index if exists messages_client_id`,
      `create unique index messages_client_id on messages(client_id, conversation_id) where client_id is not null`,
    ],
  },
  {
    version: 5,
    name: 'messages: no per-row foreign-key check; deleting a conversation still deletes its messages (trigger)',
    // The foreign key's check ran a query per stored message, a noticeable share of a batched append.
    // Messages are only ever inserted by the append statements, which insert a row only when they have
    // just updated (and so locked) its conversation in the same statement: the reference holds without
    // the check. The cascade the key gave is kept by a trigger.
    statements: [
      `alter table messages drop constraint if exists messages_conversation_id_fkey`,
      `create or replace function parley_delete_conversation_messages() returns trigger language plpgsql as $$ begin delete from messages where conversation_id = old.id; return old; end $$`,
      `drop trigger if exists conversation_messages_deleted on conversations`,
      `create trigger conversation_messages_deleted after delete on conversations
  for each row execute function parley_delete_conversation_messages()`,
    ],
  },
  {
    version: 6,
    name: 'client ids unique per sender (author kind and id), not per conversation',
    // An idempotency key belongs to whoever sent it: an agent's note and a visitor's message may carry the
    // same clientId (store/messages-repo.ts SAME_SENDER). Strictly finer than the index it replaces, so
    // existing rows always satisfy it. client_id stays first for plan-stable lookups (see migration 4);
    // coalesce() makes a missing author id one value rather than NULLs that never collide.
    statements: [
      `drop index if exists messages_client_id`,
      `create unique index messages_client_id on messages(client_id, conversation_id, author, coalesce(author_id, ''))
  where client_id is not null`,
    ],
  },
  {
    version: 7,
    name: 'visitors: which fields the site signed (identity verification per field)',
    // Before this, a bound user_id was the only thing a signature (userHash) ever covered: backfill it alone.
    statements: [
      `alter table visitors add column if not exists verified_fields text[] not null default '{}'`,
      `update visitors set verified_fields = array['userId'] where user_id is not null and verified_fields = '{}'`,
    ],
  },
  {
    version: 8,
    name: 'assignment history: one row per agent holding a conversation (dashboard credit)',
    // Written by conversationsRepo in the same transaction as the conversation's own change, after its
    // row lock is held, so it never disagrees with conversations.agent_id and a conversation's rows are in
    // time order. At most one open row (ended_at null) per conversation.
    // Backfill, best effort: the history before this migration was never stored, so each conversation
    // that has an agent gets one row for that (last) agent, assigned when their "joined the conversation"
    // message was written (else at the first reply, else when queued); earlier holders of a transferred or
    // requeued conversation are not recoverable. Self-contained: needs only the tables of version 1.
    statements: [
      `create table if not exists conversation_assignments (
  conversation_id text not null references conversations(id) on delete cascade,
  agent_id text not null references agents(id),
  assigned_at timestamptz not null,
  ended_at timestamptz,
  ended_by text check (ended_by in ('transferred', 'requeued', 'closed')),
  check ((ended_at is null) = (ended_by is null)),
  check (ended_at is null or ended_at >= assigned_at)
)`,
      `create index if not exists conversation_assignments_by_conversation
  on conversation_assignments(conversation_id, assigned_at)`,
      `create unique index if not exists conversation_assignments_one_open
  on conversation_assignments(conversation_id) where ended_at is null`,
      `insert into conversation_assignments (conversation_id, agent_id, assigned_at, ended_at, ended_by)
select c.id, c.agent_id,
  least(coalesce(
    (select max(m.created_at) from messages m where m.conversation_id = c.id and m.author = 'system'
      and not m.internal and m.text like '% joined the conversation'),
    c.first_response_at, c.queued_at), coalesce(c.closed_at, 'infinity'::timestamptz)),
  case when c.status = 'closed' then c.closed_at end,
  case when c.status = 'closed' then 'closed' end
from conversations c
where c.agent_id is not null and c.status <> 'queued'
  and not exists (select 1 from conversation_assignments x where x.conversation_id = c.id)`,
    ],
  },
  {
    version: 9,
    name: 'attachments: blobs in chunks, attachment rows, messages flag the ones that carry files',
    // An attachment is uploaded first (message_id and conversation_id null) and bound when a message uses
    // it (store/attachments-repo.ts). Blobs are not referenced by keys (the blob store may live elsewhere):
    // whoever deletes attachment rows deletes their blobs. Deleting a conversation leaves its attachments
    // with conversation_id null and a message id: the sweep deletes those and their blobs.
    // `deleting`: taken by a sweep, never bound again (a crash between deleting blobs and rows is redone).
    // messages.has_attachments lets reads skip the attachment query for text-only messages; the text-only
    // append statements never name it (its default is theirs).
    statements: [
      ...BLOB_MIGRATION_STATEMENTS,
      `create table attachments (
  id text primary key,
  site_id text references sites(id) on delete cascade,
  conversation_id text references conversations(id) on delete set null,
  message_id text,
  position smallint,
  uploader_kind text not null check (uploader_kind in ('visitor', 'agent')),
  uploader_id text not null,
  name text not null,
  type text not null,
  size bigint not null,
  blob_id text not null,
  thumbnail_blob_id text,
  width integer,
  height integer,
  deleting boolean not null default false,
  created_at timestamptz not null default now()
)`,
      'create index attachments_by_message on attachments(message_id, position) where message_id is not null',
      'create index attachments_unbound on attachments(created_at) where message_id is null',
      'create index attachments_orphaned on attachments(id) where message_id is not null and conversation_id is null',
      'create index attachments_deleting on attachments(id) where deleting',
      'alter table messages add column if not exists has_attachments boolean not null default false',
    ],
  },
  {
    version: 10,
    name: 'delivery receipts, email outbox, agent email preference',
    statements: [
      // Delivery receipts: the highest seq each party has seen, and when; emailed_seq: the highest agent
      // reply already sent to the visitor by email (nobody gets mail twice for one reply).
      'alter table conversations add column visitor_seen_seq integer not null default 0',
      'alter table conversations add column visitor_seen_at timestamptz',
      'alter table conversations add column agent_seen_seq integer not null default 0',
      'alter table conversations add column agent_seen_at timestamptz',
      'alter table conversations add column emailed_seq integer not null default 0',
      // Replies written before email existed count as handled: upgrading must not email every visitor ever.
      'update conversations set emailed_seq = last_seq',
      'alter table agents add column email_notifications boolean not null default true',
      // Durable outgoing email: one row per email, claimed by one process at a time (locked_until),
      // retried with backoff (next_attempt_at), sent once: dedupe_key makes enqueueing idempotent.
      `create table email_outbox (
  id text primary key,
  kind text not null,
  dedupe_key text not null unique,
  site_id text references sites(id) on delete cascade,
  conversation_id text references conversations(id) on delete cascade,
  to_address text not null,
  payload jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'sent', 'cancelled', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now()
)`,
      "create index email_outbox_due on email_outbox(next_attempt_at) where status = 'pending'",
    ],
  },
];

export async function migrate(db: SqlDatabase): Promise<number> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7270201)');
    await tx.query(
      'create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
  });
  let applied = 0;
  for (const migration of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7270201)');
      const existing = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (existing.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
}
