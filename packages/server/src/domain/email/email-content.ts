import type { Message } from '@parley/protocol';
import type { EmailContent, UnseenReplies } from '../../store/email-outbox-repo.js';
import { type EmailStrings, emailLocale, emailStrings, fill, isRtl } from './email-strings.js';

/**
 * The emails themselves, each as plain text and HTML. Everything that came from a person (messages, names,
 * site names) is escaped in the HTML part: a message reading `<script>` arrives as those characters.
 */

/** Where an email comes from and where its links and replies go. */
export type Addressing = { from: string; replyDomain: string; publicUrl: string };

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Escaped text with its line breaks kept. */
const htmlLines = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');

function page(locale: string, body: string): string {
  const dir = isRtl(locale) ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${escapeHtml(locale)}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#1f2937;margin:0;padding:24px">
${body}
</body></html>`;
}

const button = (href: string, label: string) =>
  `<p><a href="${escapeHtml(href)}" style="display:inline-block;background:#4f46e5;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a></p>`;

type Line = { author: string; text: string; files: string[]; at?: string };

function textLines(lines: Line[], t: EmailStrings): string {
  return lines
    .map((l) =>
      [`${l.author}${l.at ? ` (${l.at})` : ''}:`, l.text, ...l.files.map((name) => fill(t.attachment, { name }))]
        .filter((part) => part !== '')
        .join('\n'),
    )
    .join('\n\n');
}

function htmlLinesBlock(lines: Line[], t: EmailStrings): string {
  return lines
    .map((l) => {
      const files = l.files.map((name) => `<br><em>${escapeHtml(fill(t.attachment, { name }))}</em>`).join('');
      const at = l.at ? ` <span style="color:#6b7280">${escapeHtml(l.at)}</span>` : '';
      const text = l.text ? `<br>${htmlLines(l.text)}` : '';
      return `<p style="margin:0 0 14px"><strong>${escapeHtml(l.author)}</strong>${at}${text}${files}</p>`;
    })
    .join('\n');
}

const formatDate = (locale: string, at: number) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(at));
const formatTime = (locale: string, at: string) =>
  `${new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(at))} UTC`;

const AUTO = { 'Auto-Submitted': 'auto-generated' };

/** The unseen agent replies of one conversation, with the magic link that reopens it. */
export function unseenRepliesEmail(input: {
  unseen: UnseenReplies;
  link: string;
  linkExpiresAt: number;
  replyTo: string;
  addressing: Addressing;
}): EmailContent {
  const { unseen, addressing } = input;
  const locale = emailLocale(unseen.siteLocale, unseen.visitorLocale);
  const t = emailStrings(locale);
  const site = unseen.siteName;
  const lines: Line[] = unseen.replies.map((m) => ({
    author: m.authorName ?? t.agent,
    text: m.text,
    files: m.attachments.map((a) => a.name),
  }));
  const note = fill(t.linkNote, { date: formatDate(locale, input.linkExpiresAt) });
  const text = [
    fill(t.unseenIntro, { site }),
    '',
    textLines(lines, t),
    '',
    `${t.openConversation}: ${input.link}`,
    '',
    note,
    t.replyNote,
    '',
  ].join('\n');
  const html = page(
    locale,
    [
      `<p>${escapeHtml(fill(t.unseenIntro, { site }))}</p>`,
      htmlLinesBlock(lines, t),
      button(input.link, t.openConversation),
      `<p style="color:#6b7280;font-size:13px">${escapeHtml(note)}<br>${escapeHtml(t.replyNote)}</p>`,
    ].join('\n'),
  );
  return {
    from: addressing.from,
    replyTo: input.replyTo,
    subject: fill(t.unseenSubject, { site }),
    text,
    html,
    messageIdDomain: addressing.replyDomain,
    headers: AUTO,
  };
}

/** A copy of the conversation (its public messages) for the visitor who asked for it on closing. */
export function transcriptEmail(input: {
  siteName: string;
  siteLocale: string | null;
  visitorLocale: string | null;
  messages: Message[];
  replyTo: string;
  addressing: Addressing;
}): EmailContent {
  const locale = emailLocale(input.siteLocale, input.visitorLocale);
  const t = emailStrings(locale);
  const site = input.siteName;
  const lines: Line[] = input.messages
    .filter((m) => !m.internal)
    .map((m) => ({
      author: m.author === 'visitor' ? t.you : m.author === 'system' ? site : (m.authorName ?? t.agent),
      text: m.text,
      files: m.attachments.map((a) => a.name),
      at: formatTime(locale, m.createdAt),
    }));
  const intro = fill(t.transcriptIntro, { site });
  return {
    from: input.addressing.from,
    replyTo: input.replyTo,
    subject: fill(t.transcriptSubject, { site }),
    text: [intro, '', textLines(lines, t), ''].join('\n'),
    html: page(locale, [`<p>${escapeHtml(intro)}</p>`, htmlLinesBlock(lines, t)].join('\n')),
    messageIdDomain: input.addressing.replyDomain,
    headers: AUTO,
  };
}

/** To an agent (in English, like the console): a chat was given to them while they were offline. */
export function agentAssignedEmail(input: {
  agentName: string;
  siteName: string;
  visitorName: string | null;
  firstMessage: string | null;
  consoleUrl: string;
  addressing: Addressing;
}): EmailContent {
  const who = input.visitorName ?? 'A visitor';
  const intro = `Hi ${input.agentName}, a chat on ${input.siteName} was assigned to you while you were offline.`;
  const first = input.firstMessage ? `${who} wrote:` : `${who} is waiting.`;
  const quote = input.firstMessage ?? '';
  const settings = 'You get this email because email notifications are on in your profile in the console.';
  return {
    from: input.addressing.from,
    subject: `New chat assigned to you on ${input.siteName}`,
    text: [intro, '', first, quote, '', `Open the console: ${input.consoleUrl}`, '', settings, ''].join('\n'),
    html: page(
      'en',
      [
        `<p>${escapeHtml(intro)}</p>`,
        `<p><strong>${escapeHtml(first)}</strong>${quote ? `<br>${htmlLines(quote)}` : ''}</p>`,
        button(input.consoleUrl, 'Open the console'),
        `<p style="color:#6b7280;font-size:13px">${escapeHtml(settings)}</p>`,
      ].join('\n'),
    ),
    messageIdDomain: input.addressing.replyDomain,
    headers: AUTO,
  };
}
