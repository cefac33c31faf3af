import { schemas, type VerifiedField, type VisitorIdentify } from '@parley/protocol';
import { errors, jwtVerify } from 'jose';
import { refuse } from './errors.js';
import { hmacHex, safeEqual } from './secrets.js';

/**
 * Identity verification: what a site vouches for about a visitor, and nothing more.
 * - Identity token (preferred): a JWT signed HS256 with the site's identity secret (UTF-8 bytes), with
 *   `sub` = the site's user id, `exp`, and optionally `name` / `email`. Every claim it carries is verified.
 * - userHash (legacy): hex HMAC-SHA256(secret, userId). It signs the userId alone: a name or email sent
 *   beside it is the visitor's word, stored unverified.
 */
export type Identity = {
  userId: string;
  /** Values the signature covers (set even over earlier values). */
  signed: { name?: string; email?: string };
  /** Values nobody signed: they never replace a signed field. */
  unsigned: { name?: string; email?: string };
  verifiedFields: VerifiedField[];
};

/** Clock skew allowed between the site's server and ours when checking `exp` (and `nbf`). */
export const CLOCK_TOLERANCE_SECONDS = 30;

const encoder = new TextEncoder();

export async function verifyIdentity(payload: VisitorIdentify, secret: string): Promise<Identity> {
  if ('token' in payload) return verifyIdentityToken(payload.token, secret);
  if (!safeEqual(payload.userHash.toLowerCase(), hmacHex(secret, payload.userId)))
    throw refuse('forbidden', 'identity verification failed: userHash does not match');
  return {
    userId: payload.userId,
    signed: {},
    unsigned: { ...(payload.name ? { name: payload.name } : {}), ...(payload.email ? { email: payload.email } : {}) },
    verifiedFields: ['userId'],
  };
}

async function verifyIdentityToken(token: string, secret: string): Promise<Identity> {
  let claims: unknown;
  try {
    // HS256 only: `none`, RS*/ES* (key confusion) and other HMAC sizes are refused before any check.
    ({ payload: claims } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw tokenRefusal(error);
  }
  const parsed = schemas.identityClaims.safeParse(claims);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse('forbidden', `identity token refused: claim ${issue?.path.join('.') ?? '?'} is invalid`);
  }
  const { sub, name, email } = parsed.data;
  return {
    userId: sub,
    signed: { ...(name ? { name } : {}), ...(email ? { email } : {}) },
    unsigned: {},
    verifiedFields: ['userId', ...(name ? (['name'] as const) : []), ...(email ? (['email'] as const) : [])],
  };
}

/** Every way a token can fail is `forbidden`, with a message that says which check refused it. */
function tokenRefusal(error: unknown) {
  if (error instanceof errors.JWTExpired) return refuse('forbidden', 'identity token refused: expired');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return refuse('forbidden', 'identity token refused: it must be signed with HS256');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return refuse('forbidden', 'identity token refused: the signature does not match this site’s secret');
  if (error instanceof errors.JWTClaimValidationFailed)
    return refuse('forbidden', `identity token refused: claim ${error.claim} ${error.reason}`);
  if (error instanceof errors.JOSEError) return refuse('forbidden', 'identity token refused: malformed');
  return error;
}
