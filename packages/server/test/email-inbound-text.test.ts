import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { chatText } from '../src/domain/email/inbound-email-service.js';
import {
  automaticReason,
  type InboundMail,
  mailClientId,
  mailFromFields,
  mailFromParsed,
} from '../src/domain/email/inbound-mail.js';
import { replyText } from '../src/domain/email/reply-text.js';

/**
 * What an agent reads of a visitor's emailed reply: the visitor's words only, from real-world shaped
 * replies of Gmail, Outlook, Apple Mail, phones and clients in other languages (test/fixtures/inbound-email).
 */

const REPLY = 'reply+c0ffee-1234.0123456789abcdef0123@chat.example.com';
const own = { domain: 'chat.example.com', address: 'support@acme.example' };

async function fixture(name: string): Promise<InboundMail> {
  const raw = readFileSync(new URL(`./fixtures/inbound-email/${name}`, import.meta.url));
  return mailFromParsed(await simpleParser(raw), raw);
}

describe('the text of an emailed reply', () => {
  it.each([
    ['gmail.eml', "Thanks! The order number is 4711 — it still hasn't shipped.\n\nCould you check?"],
    ['outlook.eml', 'Hello,\n\nYes, please cancel it. Grüße from München.\n\nBest regards\nBob'],
    ['outlook-original-message.eml', 'Works now, thank you.'],
    ['apple-mail-iphone.eml', 'Perfect, see you tomorrow 👍'],
    ['apple-mail-desktop-signature.eml', 'Two questions:\n1. Does it work offline?\n2. Is there a student price?'],
    ['gmail-french.eml', "Merci beaucoup, c'est réglé !"],
    ['german-thunderbird.eml', 'Danke, ich probiere es heute Abend.'],
    ['outlook-html-only.eml', 'I attached nothing, but here is the error: E42.'],
  ])('%s keeps only what the visitor wrote', async (name, expected) => {
    const mail = await fixture(name);
    expect(mail.recipients).toContain(REPLY);
    expect(automaticReason(mail, own)).toBeNull();
    expect(chatText(mail)).toBe(expected);
  });

  it('keeps a reply that only looks like it quotes, and text around inline quotes', () => {
    expect(replyText('On Monday I can come by.\nThanks')).toBe('On Monday I can come by.\nThanks');
    expect(replyText('> what colour?\nBlue.\n\n> and size?\nM\n')).toBe('Blue.\n\nM');
    expect(replyText('a\r\n\r\n\r\n\r\nb\r\n--\r\nsig')).toBe('a\n\nb');
  });

  it('is empty when the reply is only quotes and a signature (nothing to append)', async () => {
    const mail = mailFromFields({
      messageId: '<x@y>',
      from: 'ann@example.com',
      to: [REPLY],
      text: '\n\nSent from my iPhone\n\n> On 7 Dec 2026, at 10:02, ACME wrote:\n> hi',
    });
    expect(chatText(mail)).toBe('');
  });

  it('names attached files it did not keep, and stays within the message text limit', () => {
    const base = { messageId: '<x@y>', from: 'ann@example.com', to: [REPLY] };
    const notKept = ['invoice.exe', 'page.html'];
    expect(chatText(mailFromFields({ ...base, text: '' }), notKept)).toBe(
      '[Attached to the email, not kept: invoice.exe, page.html]',
    );
    expect(chatText(mailFromFields({ ...base, text: 'See attached' }), notKept)).toBe(
      'See attached\n\n[Attached to the email, not kept: invoice.exe, page.html]',
    );
    const long = chatText(mailFromFields({ ...base, text: `${'😀'.repeat(3000)}` }));
    expect(long.length).toBeLessThanOrEqual(5000);
    expect(long).toBe('😀'.repeat(2500));
    expect(chatText(mailFromFields({ ...base, text: 'a\u0000b \uD800c' }))).toBe('ab \uFFFDc');
  });
});

describe('automatic email is told apart', () => {
  const person = { messageId: '<x@y>', from: 'Ann <ann@example.com>', to: [REPLY], text: 'hello' };
  const reason = (fields: Partial<typeof person> & { headers?: Record<string, string> }, envelopeFrom?: string) =>
    automaticReason({ ...mailFromFields({ ...person, ...fields }), envelopeFrom }, own);

  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }],
    [{ 'auto-submitted': 'auto-generated; owner-email="x@y"' }],
    [{ Precedence: 'bulk' }],
    [{ Precedence: 'auto_reply' }],
    [{ Precedence: 'list' }],
    [{ 'X-Autoreply': 'yes' }],
    [{ 'X-Autorespond': 'vacation' }],
    [{ 'Return-Path': '<>' }],
    [{ 'Content-Type': 'multipart/report; report-type=delivery-status; boundary=x' }],
  ])('%o', (headers) => {
    expect(reason({ headers })).not.toBeNull();
  });

  it('bounces, daemons and Parley itself', () => {
    expect(reason({}, '')).not.toBeNull();
    expect(reason({ from: 'MAILER-DAEMON@mx.example.net' })).not.toBeNull();
    expect(reason({ from: 'Support <support@acme.example>' })).not.toBeNull();
    expect(reason({ from: 'reply+abc.0123@chat.example.com' })).not.toBeNull();
  });

  it('a person, even with Auto-Submitted: no and an ordinary Precedence', () => {
    expect(reason({ headers: { 'Auto-Submitted': 'no', Precedence: 'normal' } }, 'ann@example.com')).toBeNull();
  });
});

describe('the idempotency key of an emailed reply', () => {
  it('is the same for one Message-ID whether bracketed or not, and differs for another', () => {
    const base = { from: 'ann@example.com', to: [REPLY], text: 'hi' };
    const a = mailClientId(mailFromFields({ ...base, messageId: '<id-1@mail.example>' }));
    expect(a).toMatch(/^mail:[0-9a-f]{40}$/);
    expect(mailClientId(mailFromFields({ ...base, messageId: 'id-1@mail.example', text: 'other' }))).toBe(a);
    expect(mailClientId(mailFromFields({ ...base, messageId: '<id-2@mail.example>' }))).not.toBe(a);
  });

  it('without a Message-ID, is the hash of the raw message', async () => {
    const raw = Buffer.from(`From: ann@example.com\r\nTo: ${REPLY}\r\n\r\nhello\r\n`);
    const mail = mailFromParsed(await simpleParser(raw), raw);
    expect(mail.messageId).toBeNull();
    const again = mailFromParsed(await simpleParser(raw), raw);
    expect(mailClientId(again)).toBe(mailClientId(mail));
    const other = Buffer.from(`From: ann@example.com\r\nTo: ${REPLY}\r\n\r\nhello!\r\n`);
    expect(mailClientId(mailFromParsed(await simpleParser(other), other))).not.toBe(mailClientId(mail));
  });
});

describe('phone and app footers', () => {
  it.each([
    ['Sent from my iPhone'],
    ['Sent from my Galaxy'],
    ['Get Outlook for Android'],
    ['Sent from Mail for Windows'],
    ['Envoyé de mon iPhone'],
    ['Von meinem iPhone gesendet'],
    ['Enviado desde mi móvil'],
  ])('"%s" is cut', (footer) => {
    expect(replyText(`Yes please.\n\n${footer}\n`)).toBe('Yes please.');
  });

  it('a sentence that starts the same way is kept', () => {
    expect(replyText('Sent from my work address, sorry.\nThanks')).toBe('Sent from my work address, sorry.\nThanks');
  });
});
