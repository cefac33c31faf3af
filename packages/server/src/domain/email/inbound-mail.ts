import { createHash } from 'node:crypto';
import type { InboundEmailBody } from '@parley/protocol';
import type { AddressObject, ParsedMail } from 'mailparser';

/**
 * One incoming email, whichever way it came (SMTP or a provider's webhook), reduced to what Parley uses:
 * who it is for, who sent it, the headers that tell an automatic message apart, its text and its identity.
 */
export type InboundMail = {
  /** The Message-ID without its angle brackets; null when the message has none. */
  messageId: string | null;
  /** sha256 of the raw message (or of the webhook's fields): the identity of a message without a Message-ID. */
  contentHash: string;
  /** The sender's address (From), lower case; '' when there is none. */
  from: string;
  /** The envelope sender (SMTP `MAIL FROM`), when known: '' is the null sender of bounces. */
  envelopeFrom?: string | undefined;
  /** Candidate recipients, most trustworthy first: envelope, To, Cc, Delivered-To, X-Original-To. */
  recipients: string[];
  /** Header values by lower-case name (the first of each). */
  headers: Map<string, string>;
  /** The body as text (text/plain, else the HTML part as text). */
  text: string;
  /** The files attached (not those embedded in the HTML, like a signature's logo). */
  attachments: MailAttachment[];
};

/** A file attached to an email. */
export type MailAttachment = { name: string; content: Buffer };

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Every address-looking token of a header value or webhook field ("Ann <ann@x>, bob@y" → both). */
export function addressesIn(value: string): string[] {
  return (value.match(/[^\s<>"',;:()[\]]+@[^\s<>"',;:()[\]]+/g) ?? []).map((a) => a.toLowerCase());
}

const flatAddresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((object) => object.value)
    .flatMap((entry) => [entry.address ?? '', ...(entry.group ?? []).map((g) => g.address ?? '')])
    .filter(Boolean)
    .map((a) => a.toLowerCase());

/** A raw header line's value, unfolded. */
const headerValue = (line: string) =>
  line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();

const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '').trim() || null;

/** A message parsed by mailparser, with the SMTP envelope when it came over SMTP. */
export function mailFromParsed(
  parsed: ParsedMail,
  raw: Uint8Array,
  envelope?: { from: string; to: string[] },
): InboundMail {
  const headers = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) if (!headers.has(key)) headers.set(key, headerValue(line));
  const headerAddresses = (name: string) => addressesIn(headers.get(name) ?? '');
  return {
    messageId: parsed.messageId ? stripBrackets(parsed.messageId) : null,
    contentHash: sha256(raw),
    from: flatAddresses(parsed.from)[0] ?? '',
    envelopeFrom: envelope?.from.toLowerCase(),
    recipients: unique([
      ...(envelope?.to ?? []).map((a) => a.toLowerCase()),
      ...flatAddresses(parsed.to),
      ...flatAddresses(parsed.cc),
      ...headerAddresses('delivered-to'),
      ...headerAddresses('x-original-to'),
    ]),
    headers,
    text: parsed.text ?? '',
    attachments: parsed.attachments
      .filter((a) => !a.related)
      .map((a) => ({ name: a.filename ?? a.contentType, content: a.content })),
  };
}

/** The webhook's parsed-fields form (`{messageId, from, to, subject?, text, headers?}`). */
export function mailFromFields(body: Extract<InboundEmailBody, { messageId: string }>): InboundMail {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(body.headers ?? {})) headers.set(name.toLowerCase(), value.trim());
  return {
    messageId: stripBrackets(body.messageId),
    contentHash: sha256(JSON.stringify([body.from, body.to, body.subject ?? '', body.text])),
    from: addressesIn(body.from)[0] ?? '',
    recipients: unique([
      ...body.to.flatMap(addressesIn),
      ...addressesIn(headers.get('cc') ?? ''),
      ...addressesIn(headers.get('delivered-to') ?? ''),
      ...addressesIn(headers.get('x-original-to') ?? ''),
    ]),
    headers,
    text: body.text,
    attachments: [],
  };
}

const unique = (values: string[]) => [...new Set(values)];

/**
 * The message's idempotency key as a visitor message (`mail:` + sha256(Message-ID), 40 hex): the same
 * email delivered twice, to any process, by SMTP or webhook, is one message.
 */
export function mailClientId(mail: InboundMail): string {
  return `mail:${(mail.messageId === null ? mail.contentHash : sha256(mail.messageId)).slice(0, 40)}`;
}

const AUTO_PRECEDENCE = /^(?:bulk|junk|list|auto_reply)$/i;
const DAEMON = /^(?:mailer-daemon|postmaster)@/i;

/**
 * Why the message must not reach a conversation, when it is an automatic one: an auto-reply (vacation,
 * out of office), a bounce, a mailing list, or Parley's own email coming back. Null for a person's email.
 * `ownDomain`: the reply domain; `ownAddress`: Parley's From address.
 */
export function automaticReason(mail: InboundMail, own: { domain: string; address: string }): string | null {
  const header = (name: string) => mail.headers.get(name);
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.toLowerCase().split(';')[0]!.trim() !== 'no')
    return 'auto-submitted';
  if (AUTO_PRECEDENCE.test(header('precedence') ?? '')) return 'precedence';
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined) return 'auto-reply header';
  if (mail.envelopeFrom === '') return 'null sender (bounce)';
  const returnPath = header('return-path');
  if (returnPath !== undefined && addressesIn(returnPath).length === 0) return 'null return path (bounce)';
  if (/^multipart\/report\b/i.test(header('content-type') ?? '')) return 'delivery report';
  if (!mail.from || DAEMON.test(mail.from)) return 'no sender or a mail daemon';
  if (mail.from === own.address.toLowerCase() || mail.from.endsWith(`@${own.domain.toLowerCase()}`))
    return 'sent by Parley';
  return null;
}
