import { randomBytes } from 'node:crypto';
import type { Message } from '@parley/protocol';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { expect } from 'vitest';
import { EmailLinks } from '../../src/domain/email-links.js';
import { openStore } from '../../src/store/store.js';
import { type AgentClient, connectAgent, connectVisitor, createAgent, emit, eventually, ok } from './clients.js';
import type { RunningServer } from './server.js';

/** The reply domain the inbound tests give the server (PARLEY_EMAIL_REPLY_DOMAIN). */
export const REPLY_DOMAIN = 'chat.example.test';

/**
 * Puts a known email link secret into a database before the server starts on it, so the test can make the
 * reply addresses the server's own emails would carry (the server keeps the secret it finds).
 */
export async function seedEmailLinks(db: { dataDir: string } | { databaseUrl: string }): Promise<EmailLinks> {
  const secret = randomBytes(32).toString('base64url');
  const store = await openStore('dataDir' in db ? db : { databaseUrl: db.databaseUrl, dataDir: 'unused' });
  try {
    return new EmailLinks(await store.settings.getOrInit('email_link_secret', secret));
  } finally {
    await store.db.close();
  }
}

/** The port of a server's inbound SMTP listener (PARLEY_SMTP_INBOUND_PORT=0 picks one: read from its log). */
export function inboundSmtpPort(server: RunningServer): number {
  const line = server.logs.find((l) => l.msg === 'inbound SMTP listening');
  if (!line) throw new Error('the inbound SMTP listener did not start');
  return Number(line.port);
}

/** Sends one email over real SMTP (one connection) and resolves with the server's final answer. */
export async function sendEmail(port: number, mail: Mail.Options): Promise<SMTPTransport.SentMessageInfo> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

/** The SMTP reply code an email was refused with (nodemailer's error), or the accepted answer. */
export async function smtpOutcome(port: number, mail: Mail.Options): Promise<string> {
  try {
    return (await sendEmail(port, mail)).response;
  } catch (error) {
    return `refused ${(error as { responseCode?: number }).responseCode ?? String(error)}`;
  }
}

/** An agent, logged in on `base` and online, who can be given `maxChats` conversations. */
export async function onlineAgent(base: string, admin: string, maxChats = 5, adminBase = base): Promise<AgentClient> {
  const { token } = await createAgent(adminBase, admin, { maxChats });
  const agent = await connectAgent(base, token);
  await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
  return agent;
}

/**
 * A visitor (with `email`, when given) who wrote to the site and whose conversation `agent` was given: what
 * an email to the visitor would be about.
 */
export async function visitorChattingWith(base: string, siteKey: string, agent: AgentClient, email?: string) {
  const visitor = await connectVisitor(base, siteKey);
  if (email) await ok(emit(visitor.socket, 'visitor:update', { name: 'Ann', email }));
  const { message } = await ok(
    emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'w1', text: 'where is my order?' }),
  );
  await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(message.conversationId));
  return { visitor, conversationId: message.conversationId };
}
