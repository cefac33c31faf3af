import { randomUUID } from 'node:crypto';
import type { Message } from '@parley/protocol';
import { type AgentClient, connectAgent, connectVisitor, createAgent, emit, eventually, ok } from './clients.js';
import type { CapturedMail } from './smtp-capture.js';

/** Chats for the email tests: an online agent answers visitors who left their email, then went away. */

/** The test environment of a server that sends email fast to a capture SMTP server. */
export const emailEnv = (smtpUrl: string, extra: Record<string, string> = {}) => ({
  SMTP_URL: smtpUrl,
  PARLEY_EMAIL_AFTER_MS: '700',
  PARLEY_EMAIL_POLL_MS: '100',
  PARLEY_EMAIL_RETRY_BASE_MS: '200',
  PARLEY_EMAIL_REPLY_DOMAIN: 'mail.example.test',
  ...extra,
});

export async function onlineAgent(base: string, admin: string, name = 'Ana') {
  const created = await createAgent(base, admin, { maxChats: 50, name });
  const client = await connectAgent(base, created.token);
  await ok(emit(client.socket, 'agent:status', { status: 'online' }));
  return { ...created, client };
}

export type WaitingVisitor = { conversationId: string; visitorId: string; email: string; visitorToken: string };

/**
 * A visitor (with `email`, or none) writes, the online agent gets the chat, the visitor closes the tab.
 * `base` is where the visitor connects (any process of a cluster).
 */
export async function visitorWhoLeft(
  base: string,
  siteKey: string,
  agent: AgentClient,
  opts: { email?: string | null; locale?: string; text?: string } = {},
): Promise<WaitingVisitor> {
  const visitor = await connectVisitor(base, siteKey);
  const email = opts.email === undefined ? `v-${randomUUID().slice(0, 8)}@example.com` : opts.email;
  if (email) await ok(emit(visitor.socket, 'visitor:update', { email }));
  if (opts.locale) await ok(emit(visitor.socket, 'visitor:context', { locale: opts.locale }));
  const { message } = await ok(
    emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: randomUUID(), text: opts.text ?? 'Hello?' }),
  );
  await eventually(() => {
    if (!agent.assigned.some((c) => c.id === message.conversationId)) throw new Error('not assigned yet');
  }, 15_000);
  visitor.socket.close();
  return {
    conversationId: message.conversationId,
    visitorId: visitor.session.visitorId,
    email: email ?? '',
    visitorToken: visitor.session.visitorToken,
  };
}

export async function agentReply(agent: AgentClient, conversationId: string, text: string, internal = false) {
  const { message } = await ok(
    emit<{ message: Message }>(agent.socket, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      text,
      internal,
    }),
  );
  return message;
}

export const mailTo = (address: string) => (mail: CapturedMail) => mail.to.includes(address.toLowerCase());

/** The magic link's token in an email's text. */
export function magicToken(mail: CapturedMail): string {
  const match = /\/r\/([A-Za-z0-9._-]+)/.exec(mail.text);
  if (!match) throw new Error(`no magic link in: ${mail.text}`);
  return match[1]!;
}
