import type { RequestHandler } from 'express';

/** Conservative headers on everything; a strict CSP on our own pages (console, demo, API); API answers not stored. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  // API answers carry tokens and private data: no browser or proxy keeps a copy (errors included).
  if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  if (!req.path.startsWith('/widget')) {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  }
  next();
};
