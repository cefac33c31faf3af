import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSiteKey, eventually, login } from './helpers/clients.js';
import { services } from './helpers/cluster.js';
import { agentReply, emailEnv, mailTo, onlineAgent, visitorWhoLeft } from './helpers/email-chat.js';
import { useCluster } from './helpers/fixtures.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp-capture.js';

/**
 * Two processes on one PostgreSQL and Redis both scan for unseen replies and both run an outbox worker:
 * every visitor still gets exactly one email per waiting period.
 */
const env = await services({ redis: true, postgres: true });
const smtp: SmtpCapture = await startSmtpCapture();

describe.skipIf(!env.run)('email with two processes', { timeout: 90_000 }, () => {
  const cluster = useCluster(2, { env: emailEnv(smtp.url, { PARLEY_EMAIL_POLL_MS: '50' }), assert: env.assert });
  afterAll(() => smtp.stop());

  let admin: string;
  beforeAll(async () => {
    admin = await login(cluster.urls[0]!);
  });

  it('sends one email per visitor, whichever process scans or sends', async () => {
    const [a, b] = cluster.urls as [string, string];
    const siteKey = await defaultSiteKey(a, admin);
    const agent = await onlineAgent(b, admin);
    const visitors = [];
    for (let i = 0; i < 6; i++) visitors.push(await visitorWhoLeft(i % 2 ? b : a, siteKey, agent.client));
    await Promise.all(visitors.map((v, i) => agentReply(agent.client, v.conversationId, `Reply number ${i}.`)));
    for (const [i, v] of visitors.entries())
      expect((await smtp.waitFor(mailTo(v.email), 20_000)).text).toContain(`Reply number ${i}.`);

    // Every row is sent, by one process or the other; each visitor has exactly one email.
    const sql = new pg.Client({ connectionString: cluster.cluster!.env.DATABASE_URL });
    await sql.connect();
    try {
      await eventually(async () => {
        const { rows } = await sql.query("select status from email_outbox where kind = 'unseen_replies'");
        expect(rows.map((r) => r.status)).toEqual(Array(6).fill('sent'));
      });
    } finally {
      await sql.end();
    }
    for (const v of visitors) expect(smtp.matching(mailTo(v.email))).toHaveLength(1);
    agent.client.socket.close();
  });
});
