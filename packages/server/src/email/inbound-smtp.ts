import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { InboundEmailService } from '../domain/email/inbound-email-service.js';
import { mailFromParsed } from '../domain/email/inbound-mail.js';
import { toDomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/** An SMTP reply with its code: what smtp-server answers when a handler fails with it. */
const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

const WORDING = { unavailable: 'store unavailable', bad_data: 'refused data', bug: 'internal error' };

/** Reads the DATA stream whole, up to `maxBytes` (smtp-server marks a bigger one `sizeExceeded`). */
async function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return stream.sizeExceeded || size > maxBytes ? null : Buffer.concat(chunks);
}

/**
 * The in-process inbound SMTP listener (PARLEY_SMTP_INBOUND_PORT): the MX of the reply domain, taking in
 * replies to Parley's emails. No AUTH (it is a receiving server); a recipient that is not a genuine reply
 * address is refused at RCPT TO (550), so a forged address changes nothing. A reply that cannot be stored
 * now (store down) is answered 451: the sending server keeps it and retries.
 */
export async function startInboundSmtp(opts: {
  host: string;
  port: number;
  maxBytes: number;
  inbound: InboundEmailService;
  log: Logger;
}) {
  const { inbound, log } = opts;
  const server = new SMTPServer({
    name: 'parley',
    banner: 'Parley inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: opts.maxBytes,
    logger: false,
    maxClients: 200,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address, _session, callback) {
      if (inbound.isReplyAddress(address.address)) return callback();
      callback(smtpError(550, 'no such recipient'));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      void (async () => {
        const raw = await readMessage(stream, opts.maxBytes);
        if (!raw) return callback(smtpError(552, 'message too large'));
        const parsed = await simpleParser(raw);
        const envelope = {
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const result = await inbound.receive(mailFromParsed(parsed, raw, envelope), 'smtp');
        callback(null, `accepted (${result})`);
      })().catch((error: unknown) => {
        // Never lost: 451 tells the sending server to keep the message and try again later.
        const failure = toDomainError(error, WORDING);
        if (failure.fault !== 'refused') log.warn({ err: failure.cause ?? failure }, 'inbound email deferred');
        if (!stream.readableEnded) stream.resume();
        callback(smtpError(451, 'temporarily unable to take the message; try again later'));
      });
    },
  });
  server.on('error', (error) => log.warn({ err: error }, 'inbound SMTP connection error'));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: opts.host, port }, 'inbound SMTP listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
