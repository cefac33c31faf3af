import { hmacHex, safeEqual } from './secrets.js';

/** What a magic link opens: one conversation, as its visitor, until `exp` (epoch ms). */
export type MagicLink = { conversationId: string; visitorId: string; siteId: string; exp: number };

const ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Signed links and addresses of Parley's emails, all with one server secret (settings `email_link_secret`):
 * - magic links `m1.<conversationId>.<visitorId>.<siteId>.<exp base36>.<hmac>`: reopen one conversation,
 *   history included, on any device, until they expire;
 * - reply addresses `reply+<conversationId>.<hmac, 20 hex>@<domain>`: a reply to an email lands in that
 *   conversation, and only there (a forged or altered address matches no conversation).
 */
export class EmailLinks {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(link: Omit<MagicLink, 'exp'>, ttlMs: number): string {
    const body = ['m1', link.conversationId, link.visitorId, link.siteId, (this.now() + ttlMs).toString(36)].join('.');
    return `${body}.${hmacHex(this.secret, body)}`;
  }

  /** The link's target, when the token is genuine and has not expired; null otherwise. */
  verify(token: unknown): MagicLink | null {
    if (typeof token !== 'string' || token.length > 1024) return null;
    const parts = token.split('.');
    if (parts.length !== 6) return null;
    const [version, conversationId, visitorId, siteId, expText, signature] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (version !== 'm1' || ![conversationId, visitorId, siteId].every((id) => ID.test(id))) return null;
    if (!/^[0-9a-z]{1,12}$/.test(expText)) return null;
    if (!safeEqual(signature, hmacHex(this.secret, parts.slice(0, 5).join('.')))) return null;
    const exp = Number.parseInt(expText, 36);
    if (exp <= this.now()) return null;
    return { conversationId, visitorId, siteId, exp };
  }

  /** The Reply-To of an email about `conversationId`. */
  replyAddress(conversationId: string, domain: string): string {
    return `reply+${conversationId}.${this.replySignature(conversationId)}@${domain}`;
  }

  /**
   * The conversation a recipient address replies to, when it is one of ours and its signature holds
   * (domain and letter case of the local part are not trusted: providers may rewrite them).
   */
  conversationOf(address: string): string | null {
    const match = /^reply\+([A-Za-z0-9-]{1,64})\.([0-9a-fA-F]{20})@/.exec(address.trim());
    if (!match) return null;
    const [, conversationId, signature] = match as unknown as [string, string, string];
    return safeEqual(signature.toLowerCase(), this.replySignature(conversationId)) ? conversationId : null;
  }

  private replySignature(conversationId: string): string {
    return hmacHex(this.secret, `reply.${conversationId}`).slice(0, 20);
  }
}
