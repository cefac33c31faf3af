/**
 * What the visitor wrote in a reply to one of Parley's emails: the text without the quoted history their
 * mail client appended (or put below a header line) and without their signature. The common styles of
 * Gmail, Outlook, Apple Mail and phone clients, in the common languages, are recognised; anything else is
 * kept (a reply too long is better than a reply lost).
 */

/** "On <date>, <who> wrote:" and its translations (the line may be wrapped over two lines). */
const ATTRIBUTION =
  /^(?:on|le|am|el|il|op|em|den|på|w dniu|dne|el día)\b.{0,400}?\b(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał|napsal|kirjoitti)\b[^:]{0,200}:\s*$/i;
/** Outlook and others: "-----Original Message-----" and its translations. */
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original)\s*-{2,}\s*$/i;
/** Outlook's separator line above its "From: … Sent: …" block. */
const UNDERSCORES = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(?:from|de|von|van|da|från|od)\s*\*?\s*:/i;
const HEADER_SENT_OR_DATE =
  /^\s*\*?(?:sent|date|envoyé|gesendet|datum|enviado|inviato|verzonden|data|skickat|wysłano)\s*\*?\s*:/i;
/** "-- " on its own line (RFC 3676); some clients drop the trailing space. */
const SIGNATURE_DELIMITER = /^--\s?$/;
/** The line phones and mail apps add under a reply: a short line naming a device or an app. */
const SENT_FROM =
  /^(?:sent from|sent with|get outlook for|envoyé de|envoyé depuis|von meinem|gesendet von|enviado desde|enviado do|inviato da|verzonden (?:vanaf|met)|verstuurd vanaf|skickat från)\b/i;
const DEVICE_OR_APP =
  /\b(?:iphone|ipad|ipod|android|mobile|smartphone|samsung|galaxy|blackberry|huawei|pixel|xiaomi|oneplus|nokia|motorola|tablet|outlook|yahoo mail|mail for windows|gmail|proton ?mail|handy|móvil|celular|cellulare)\b/i;
const sentFromDevice = (line: string) => line.length <= 80 && SENT_FROM.test(line) && DEVICE_OR_APP.test(line);

/** The index of the first line of quoted history or signature, or lines.length when there is none. */
function endOfReply(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const next = lines[i + 1]?.trim() ?? '';
    if (ATTRIBUTION.test(line) || (line && ATTRIBUTION.test(`${line} ${next}`))) return i;
    if (ORIGINAL_MESSAGE.test(line) || SIGNATURE_DELIMITER.test(lines[i]!) || sentFromDevice(line)) return i;
    if (UNDERSCORES.test(line) && HEADER_FROM.test(next)) return i;
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_SENT_OR_DATE.test(l))) return i;
  }
  return lines.length;
}

/** The reply's own text: quoted history, quoted lines (`>`) and signature removed, blank runs collapsed. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .slice(0, endOfReply(lines))
    .filter((line) => !line.trimStart().startsWith('>'))
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
