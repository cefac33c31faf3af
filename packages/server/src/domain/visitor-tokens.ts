import { hmacHex, safeEqual } from './secrets.js';

/**
 * Visitor tokens: `v1.<visitorId>.<siteId>.<hmac>` signed with the server secret. A token cannot be forged,
 * and a token of one site is worthless on another.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(visitorId: string, siteId: string): string {
    return `v1.${visitorId}.${siteId}.${this.sign(visitorId, siteId)}`;
  }

  /** The visitor id, when the token is genuine and belongs to this site. */
  verify(token: string | undefined, siteId: string): string | null {
    if (!token) return null;
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [version, visitorId, tokenSite, signature] = parts;
    if (version !== 'v1' || !visitorId || !signature || tokenSite !== siteId) return null;
    return safeEqual(signature, this.sign(visitorId, siteId)) ? visitorId : null;
  }

  private sign(visitorId: string, siteId: string): string {
    return hmacHex(this.secret, `v1.${visitorId}.${siteId}`);
  }
}
