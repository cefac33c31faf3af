import pg from 'pg';
import { EmailLinks, type MagicLink } from '../../src/domain/email-links.js';

/**
 * Magic links as the server's emails carry them, signed with the secret of a running server on PostgreSQL
 * (read from its settings, where the server keeps it). For tests (server suites and e2e).
 */
export async function magicLinks(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ value: string }>(
      "select value from app_settings where key = 'email_link_secret'",
    );
    const secret = rows.rows[0]?.value;
    if (!secret) throw new Error('the server has no email_link_secret yet');
    const links = new EmailLinks(secret);
    return {
      /** A token for `link`, valid for `ttlMs` (negative: already expired). */
      issue: (link: Omit<MagicLink, 'exp'>, ttlMs = 3_600_000) => links.issue(link, ttlMs),
    };
  } finally {
    await client.end();
  }
}
