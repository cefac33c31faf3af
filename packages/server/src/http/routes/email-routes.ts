import { createHash, timingSafeEqual } from 'node:crypto';
import type { RestRoute } from '@parley/protocol';
import express, { type RequestHandler } from 'express';
import { simpleParser } from 'mailparser';
import type { Config } from '../../config.js';
import type { InboundEmailService } from '../../domain/email/inbound-email-service.js';
import { mailFromFields, mailFromParsed } from '../../domain/email/inbound-mail.js';
import { refuse } from '../../domain/errors.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { answerAndClose } from '../error-handler.js';
import type { RestHandlers } from '../rest-router.js';

const ROUTE = '/api/email/inbound';
/** A raw email of the schema's 15 MB, as a JSON string (CRLF and quotes escaped), fits. */
const WEBHOOK_BODY_LIMIT = '32mb';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <secret>` (compared in constant time). */
const authorized = (header: string | undefined, secret: string) =>
  timingSafeEqual(digest(header ?? ''), digest(`Bearer ${secret}`));

/**
 * Before the body parsers: the webhook is off (404) without PARLEY_INBOUND_WEBHOOK_SECRET and refuses a
 * request without the secret (401) before reading its body; an authorized body may be as large as a raw
 * email (the other JSON routes keep their small limit).
 */
export function inboundWebhookGate(config: Pick<Config, 'email'>, log: Logger, metrics: Metrics): RequestHandler {
  const parseLarge = express.json({ limit: WEBHOOK_BODY_LIMIT, strict: true });
  return (req, res, next) => {
    if (req.method !== 'POST' || req.path !== ROUTE) return next();
    const secret = config.email.inbound.webhookSecret;
    if (!secret) return answerAndClose(log, metrics, req, res, refuse('not_found', 'inbound email is not enabled'));
    if (!authorized(req.get('authorization'), secret))
      return answerAndClose(log, metrics, req, res, refuse('unauthorized', 'the webhook needs its bearer secret'));
    parseLarge(req, res, next);
  };
}

/** A provider's inbound-email webhook (docs/email.md): a reply taken into its conversation, once. */
export function emailHandlers(config: Pick<Config, 'email'>, inbound: InboundEmailService) {
  return {
    'POST /api/email/inbound': async ({ body, req }) => {
      // The gate above answered already; this holds should the route ever be mounted without it.
      const secret = config.email.inbound.webhookSecret;
      if (!secret) throw refuse('not_found', 'inbound email is not enabled');
      if (!authorized(req.get('authorization'), secret))
        throw refuse('unauthorized', 'the webhook needs its bearer secret');
      const mail =
        'raw' in body ? mailFromParsed(await simpleParser(body.raw), Buffer.from(body.raw)) : mailFromFields(body);
      return { status: await inbound.receive(mail, 'webhook') };
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
