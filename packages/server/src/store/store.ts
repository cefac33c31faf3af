import { agentsRepo, settingsRepo, tokensRepo } from './agents-repo.js';
import { attachmentsRepo } from './attachments-repo.js';
import { DatabaseBlobStore } from './blob-store.js';
import { blocksRepo } from './blocks-repo.js';
import { cannedRepo } from './canned-repo.js';
import { conversationsRepo } from './conversations-repo.js';
import { emailOutboxRepo } from './email-outbox-repo.js';
import { messagesRepo } from './messages-repo.js';
import { migrate } from './migrations.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import { sitesRepo } from './sites-repo.js';
import type { SqlDatabase } from './sql.js';
import { statsRepo } from './stats-repo.js';
import { visitorsRepo } from './visitors-repo.js';

/** Everything the server keeps durably. One interface over PGlite and PostgreSQL. */
export type Store = ReturnType<typeof createStore>;

export function createStore(db: SqlDatabase) {
  return {
    db,
    settings: settingsRepo(db),
    sites: sitesRepo(db),
    agents: agentsRepo(db),
    tokens: tokensRepo(db),
    visitors: visitorsRepo(db),
    conversations: conversationsRepo(db),
    messages: messagesRepo(db),
    attachments: attachmentsRepo(db),
    /** Attachment bytes: in the database, behind the BlobStore interface. */
    blobs: new DatabaseBlobStore(db),
    blocks: blocksRepo(db),
    canned: cannedRepo(db),
    stats: statsRepo(db),
    /** Outgoing email, durable (domain/email/). */
    emailOutbox: emailOutboxRepo(db),
  };
}

export async function openStore(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Store> {
  const db = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl)
    : await openPgliteDatabase(options.dataDir);
  await migrate(db);
  return createStore(db);
}
