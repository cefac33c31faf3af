import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { contentType } from 'mime-types';
import Negotiator from 'negotiator';

/**
 * Static files sent compressed from the `.br`/`.gz` variants the builds write next to every text asset
 * (scripts/precompress.mjs). The variant is picked from `Accept-Encoding` (q-values honoured; `br` before
 * `gzip` when the client likes both equally; identity when it accepts neither or sends no header), and
 * sent with the original file's Content-Type, `Content-Encoding`, its own Content-Length and ETag, and
 * `Vary: Accept-Encoding` on every answer for a text asset, identity ones included, so caches keep them apart.
 */

/** Kept in step with TEXT_ASSET in scripts/precompress.mjs. */
const TEXT_ASSET = /\.(?:js|mjs|css|html|json|svg|map|txt|xml|webmanifest)$/;
const VARIANTS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;
type Variant = (typeof VARIANTS)[number];

// @types/negotiator predates the `preferred` option of negotiator 1.x
type EncodingNegotiator = { encoding(available: string[], options: { preferred: string[] }): string | undefined };

export type SendOptions = {
  /** milliseconds, as res.sendFile takes it */
  maxAge?: number;
  immutable?: boolean;
  /** extra headers, set only when the file is found (CORS on the widget) */
  headers?: Record<string, string>;
};

/** The variant of `file` to send for this request, or undefined for the file itself. */
function pickVariant(req: Request, file: string): Variant | undefined {
  const available = VARIANTS.filter((v) => existsSync(file + v.suffix));
  if (available.length === 0) return undefined;
  const names = available.map((v) => v.encoding);
  const negotiator = new Negotiator(req) as unknown as EncodingNegotiator;
  const chosen = negotiator.encoding([...names, 'identity'], { preferred: names });
  return available.find((v) => v.encoding === chosen);
}

/**
 * Sends `root` + `relative` (a decoded URL path), pre-compressed when possible. A missing file or a
 * directory goes on to the next handler, as express.static does; a path that leaves `root` too.
 */
export function sendPrecompressed(
  req: Request,
  res: Response,
  next: NextFunction,
  root: string,
  relative: string,
  options: SendOptions = {},
) {
  const file = path.join(root, relative);
  if (!file.startsWith(root + path.sep)) return next();
  const text = TEXT_ASSET.test(file);
  const variant = text ? pickVariant(req, file) : undefined;
  if (text) res.vary('Accept-Encoding');
  const headers = { ...options.headers };
  if (variant) {
    // the type of what the bytes decode to, as send names the file itself (not after the .br/.gz suffix)
    headers['Content-Type'] = contentType(path.extname(file)) || 'application/octet-stream';
    headers['Content-Encoding'] = variant.encoding;
  }
  res.sendFile(
    relative + (variant?.suffix ?? ''),
    { root, index: false, maxAge: options.maxAge, immutable: options.immutable, headers },
    (error?: NodeJS.ErrnoException & { status?: number }) => {
      if (!error) return;
      if (error.code === 'ECONNABORTED' || error.syscall === 'write' || res.headersSent) return;
      if (error.status === 404 || error.code === 'EISDIR' || error.code === 'ENOENT') next();
      else next(error);
    },
  );
}

/** express.static for a build output: GET/HEAD of any file under `root`, pre-compressed when possible. */
export function precompressedStatic(root: string, options: SendOptions = {}): RequestHandler {
  const base = path.resolve(root);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let relative: string;
    try {
      relative = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    // the variants are reached through negotiation only, never by their own names
    if (/\.(?:br|gz)$/.test(relative)) return next();
    sendPrecompressed(req, res, next, base, relative, options);
  };
}
