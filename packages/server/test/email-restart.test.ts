import { afterAll, describe, expect, it } from 'vitest';
import { expectNoCrashLogs } from './helpers/adversary.js';
import { defaultSiteKey, eventually, login } from './helpers/clients.js';
import { agentReply, emailEnv, mailTo, onlineAgent, visitorWhoLeft } from './helpers/email-chat.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp-capture.js';

/**
 * The outbox is durable on the embedded store (PGlite): an email that could not be sent before the process
 * stopped is sent by the next process on the same data folder, with the same Message-ID.
 */
describe('email outbox survives a restart (PGlite)', { timeout: 90_000 }, () => {
  let smtp: SmtpCapture | undefined;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    if (servers[0]) removeDir(servers[0].dataDir);
    await smtp?.stop();
  });

  it('sends after the restart what the stopped process could not', async () => {
    smtp = await startSmtpCapture();
    smtp.refuse(451);
    const first = await startServer({ env: emailEnv(smtp.url) });
    servers.push(first);
    const admin = await login(first.url);
    const agent = await onlineAgent(first.url, admin);
    const visitor = await visitorWhoLeft(first.url, await defaultSiteKey(first.url, admin), agent.client);
    await agentReply(agent.client, visitor.conversationId, 'Written before the restart.');
    const failed = await eventually(() => {
      const line = first.logs.find((l) => l.msg === 'email not sent; will retry');
      if (!line) throw new Error('no failed attempt yet');
      return line;
    }, 15_000);
    expect(failed).toMatchObject({ kind: 'unseen_replies', status: 'pending', smtp: { responseCode: 451 } });
    agent.client.socket.close();
    expectNoCrashLogs(first);
    await first.stop();
    expect(smtp.matching(mailTo(visitor.email))).toEqual([]);

    smtp.accept();
    const second = await startServer({ dataDir: first.dataDir, env: emailEnv(smtp.url) });
    servers.push(second);
    const mail = await smtp.waitFor(mailTo(visitor.email), 20_000);
    expect(mail.text).toContain('Written before the restart.');
    expect(mail.messageId).toBe(`<${String(failed.emailId)}@mail.example.test>`);
    await eventually(() => {
      if (!second.logs.some((l) => l.msg === 'email sent' && l.emailId === failed.emailId)) throw new Error('not yet');
    });
    expect(smtp.matching(mailTo(visitor.email))).toHaveLength(1);
    expectNoCrashLogs(second);
  });
});
