import nodemailer from 'nodemailer';
import type { OutboxEmail } from '../../store/email-outbox-repo.js';

/** Sends one outbox row over SMTP; resolves with the Message-ID it carried. */
export interface Mailer {
  send(email: OutboxEmail): Promise<string>;
  close(): void;
}

/** The stable Message-ID of an outbox row: a retry after an ambiguous failure carries the same one. */
export const outboxMessageId = (email: Pick<OutboxEmail, 'id' | 'content'>) =>
  `<${email.id}@${email.content.messageIdDomain}>`;

/**
 * SMTP refused the message for good (5xx: bad address, rejected content): retrying will not help. A 4xx
 * answer, a timeout or a refused connection is temporary.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** SMTP through nodemailer, from `SMTP_URL` (smtp://user:pass@host:587, smtps://…:465). */
export function smtpMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // A stuck server must not hold a worker (and its lease) for long.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(email) {
      const messageId = outboxMessageId(email);
      const { content } = email;
      await transport.sendMail({
        from: content.from,
        to: email.to,
        ...(content.replyTo ? { replyTo: content.replyTo } : {}),
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId,
        headers: content.headers ?? {},
      });
      return messageId;
    },
    close() {
      transport.close();
    },
  };
}
