import type { Attachment, Message } from '@parley/protocol';
import { hmacHex, safeEqual } from './secrets.js';

/** Signatures are issued per window of this many seconds, so a file's URL stays the same (cacheable) within it. */
const WINDOW_S = 600;
/** A signature is valid until the end of its window plus this: at least 50 minutes, at most an hour. */
const VALID_S = 3000;

/**
 * Short-lived signed URLs for attachment files: `<path>?exp=<unix seconds>&sig=<hex HMAC of path and exp>`.
 * Whoever holds one may fetch that one file (an `<img src>` or a download link sends no headers) until it
 * expires. Messages reach clients with unsigned paths from the store; they are signed here, at the edge.
 */
export class AttachmentUrls {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** An attachment with signed `url` and `thumbnailUrl`. */
  attachment(attachment: Attachment): Attachment {
    const exp = (Math.floor(this.now() / 1000 / WINDOW_S) + 1) * WINDOW_S + VALID_S;
    const signed = { ...attachment, url: this.signPath(attachment.url, exp) };
    if (attachment.thumbnailUrl) signed.thumbnailUrl = this.signPath(attachment.thumbnailUrl, exp);
    return signed;
  }

  /** The message as it goes out; one without attachments is returned as it is. */
  message(message: Message): Message {
    if (message.attachments.length === 0) return message;
    return { ...message, attachments: message.attachments.map((a) => this.attachment(a)) };
  }

  messages(messages: Message[]): Message[] {
    return messages.some((m) => m.attachments.length > 0) ? messages.map((m) => this.message(m)) : messages;
  }

  /** True when `sig` is this server's signature of `path` and `exp`, and `exp` has not passed. */
  verify(path: string, exp: unknown, sig: unknown): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 <= this.now()) return false;
    return safeEqual(sig, this.sign(path, exp));
  }

  private signPath(path: string, exp: number): string {
    return `${path}?exp=${exp}&sig=${this.sign(path, String(exp))}`;
  }

  private sign(path: string, exp: string): string {
    return hmacHex(this.secret, `${path}\n${exp}`);
  }
}
