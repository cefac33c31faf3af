import { afterAll, describe, expect, it } from 'vitest';
import { errorLogs, expectNoCrashLogs } from './helpers/adversary.js';
import { defaultSiteKey, eventually, login } from './helpers/clients.js';
import { agentReply, emailEnv, mailTo, onlineAgent, visitorWhoLeft } from './helpers/email-chat.js';
import { removeDir, startServer } from './helpers/server.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp-capture.js';
import { throwawayPostgres } from './helpers/throwaway-postgres.js';

/**
 * The database goes away while an email is due: the email worker logs the outage as a warning, keeps
 * polling, never crashes the process, and sends the email once the database is back.
 */
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('email during a PostgreSQL outage', { timeout: 90_000 }, () => {
  it('waits out the outage and sends the email afterwards', async (ctx) => {
    const pg = await throwawayPostgres();
    if (!pg) {
      if (process.env.CI === 'true') throw new Error('this test needs root and PostgreSQL binaries');
      console.warn('  !! no PostgreSQL binaries or not root: skipping the email outage test');
      return ctx.skip();
    }
    cleanups.push(() => pg.destroy());
    const smtp: SmtpCapture = await startSmtpCapture();
    cleanups.push(() => smtp.stop());
    const server = await startServer({
      env: { DATABASE_URL: pg.url, ...emailEnv(smtp.url, { PARLEY_EMAIL_AFTER_MS: '2000' }) },
    });
    cleanups.push(async () => {
      await server.stop('SIGKILL');
      removeDir(server.dataDir);
    });
    const admin = await login(server.url);
    const agent = await onlineAgent(server.url, admin);
    cleanups.push(() => agent.client.socket.close());
    const visitor = await visitorWhoLeft(server.url, await defaultSiteKey(server.url, admin), agent.client);
    await agentReply(agent.client, visitor.conversationId, 'Answered just before the outage.');

    pg.stop('immediate');
    expect(smtp.matching(mailTo(visitor.email))).toEqual([]);
    await eventually(() => {
      if (!server.logs.some((l) => l.msg === 'email round failed: store unavailable')) throw new Error('not yet');
    }, 15_000);
    pg.start();

    const mail = await smtp.waitFor(mailTo(visitor.email), 30_000);
    expect(mail.text).toContain('Answered just before the outage.');
    expect(errorLogs(server).filter((l) => String(l.msg).startsWith('email'))).toEqual([]);
    expectNoCrashLogs(server);
  });
});
