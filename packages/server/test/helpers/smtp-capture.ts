import type { AddressInfo } from 'node:net';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server for tests, on 127.0.0.1 (a free port): it accepts every message (AUTH optional,
 * no TLS) and keeps it, raw and parsed. `down()` stops listening (connections are refused, as when the
 * provider is unreachable) and `up()` listens again on the same port; `refuse(code)` keeps listening
 * but answers every message with an SMTP error (4xx: try later, 5xx: rejected) until `accept()`.
 *
 * Usage: `const smtp = await startSmtpCapture(); env.SMTP_URL = smtp.url; … await smtp.waitFor((m) =>
 * m.to.includes('v@example.com')); … await smtp.stop();`
 */

export type CapturedMail = {
  /** The RFC 5322 message as received. */
  raw: string;
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  envelope: { from: string | null; to: string[] };
  /** Header addresses, lower-cased bare addresses (no display names). */
  from: string[];
  to: string[];
  replyTo: string[];
  /** The From header as written (with the display name). */
  fromText: string;
  subject: string;
  text: string;
  /** The HTML part as sent (undefined when there is none). */
  html: string | undefined;
  messageId: string | undefined;
  /** Every header, lower-cased names, values as text (e.g. `headers['auto-submitted']`). */
  headers: Record<string, string>;
  /** The SMTP user who authenticated, if any. */
  user: string | undefined;
  parsed: ParsedMail;
};

export type SmtpCapture = {
  /** `smtp://127.0.0.1:<port>` (works as SMTP_URL). */
  url: string;
  port: number;
  /** Every message accepted so far, oldest first. */
  messages: CapturedMail[];
  /** How many messages were refused by `refuse()` so far (attempts seen while failing). */
  refused: number;
  /** Resolves with the first message (already received or arriving) matching `predicate`; throws at the deadline. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Messages received so far matching `predicate`. */
  matching(predicate: (mail: CapturedMail) => boolean): CapturedMail[];
  /** Answer every message with this SMTP error (default 451: temporary) until accept(). */
  refuse(code?: number): void;
  accept(): void;
  /** Stop listening on the port (connections refused); open connections are cut. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
};

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => (a.address ?? '').toLowerCase())
    .filter(Boolean);

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

async function toCaptured(
  raw: string,
  envelope: CapturedMail['envelope'],
  user: string | undefined,
): Promise<CapturedMail> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) headers[name.toLowerCase()] = headerText(value);
  return {
    raw,
    envelope,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    replyTo: addresses(parsed.replyTo),
    fromText: parsed.from?.text ?? '',
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    messageId: parsed.messageId,
    headers,
    user,
    parsed,
  };
}

export async function startSmtpCapture(opts: { port?: number } = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<() => void>();
  let refuseCode: number | null = null;
  let server: SMTPServer | null = null;
  let port = opts.port ?? 0;

  const capture: SmtpCapture = {
    url: '',
    port: 0,
    messages,
    refused: 0,
    async waitFor(predicate, timeoutMs = 15_000) {
      const found = () => messages.find(predicate);
      const now = found();
      if (now) return now;
      return new Promise<CapturedMail>((resolve, reject) => {
        const check = () => {
          const mail = found();
          if (!mail) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching email within ${timeoutMs} ms; received ${messages.length}: ${JSON.stringify(
                messages.map((m) => ({ to: m.to, subject: m.subject })),
              )}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    matching: (predicate) => messages.filter(predicate),
    refuse(code = 451) {
      refuseCode = code;
    },
    accept() {
      refuseCode = null;
    },
    async down() {
      const current = server;
      server = null;
      if (!current) return;
      // close() waits for open sessions; cut them so "down" means down now.
      const sockets = (current as unknown as { connections?: Set<{ close?: () => void }> }).connections;
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      for (const connection of sockets ?? []) connection.close?.();
      await closed;
    },
    async up() {
      if (server) return;
      const next = new SMTPServer(options());
      next.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        next.server.once('error', reject);
        next.listen(port, '127.0.0.1', () => resolve());
      });
      port = (next.server.address() as AddressInfo).port;
      capture.port = port;
      capture.url = `smtp://127.0.0.1:${port}`;
      server = next;
    },
    async stop() {
      await capture.down();
      for (const waiter of waiters) waiter();
    },
  };

  function options(): SMTPServerOptions {
    return {
      secure: false,
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 1_000,
      size: 25 * 1024 * 1024,
      onAuth(auth, _session, callback) {
        callback(null, { user: auth.username ?? 'user' });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refuseCode !== null) {
            capture.refused++;
            const error = Object.assign(new Error('mailbox busy, try again later'), { responseCode: refuseCode });
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          };
          toCaptured(raw, envelope, typeof session.user === 'string' ? session.user : undefined).then(
            (mail) => {
              messages.push(mail);
              callback();
              for (const waiter of [...waiters]) waiter();
            },
            (error: Error) => callback(error),
          );
        });
      },
    };
  }

  await capture.up();
  return capture;
}
