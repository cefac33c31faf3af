import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '@parley/protocol';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { type DomainError, type FaultWording, logFailure, refuse, toDomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** Every code's HTTP status: complete, so a new ErrorCode does not compile until it has one. */
const STATUS: Record<ErrorCode, number> = {
  invalid_payload: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  blocked: 403,
  not_found: 404,
  unknown_site: 404,
  conflict: 409,
  conversation_closed: 409,
  not_assigned: 409,
  agent_unavailable: 409,
  payload_too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  too_many_attempts: 429,
  unavailable: 503,
  internal: 500,
};

const HTTP_WORDING: FaultWording = {
  unavailable: 'the service is briefly unavailable; please retry',
  bad_data: 'the request holds a value that cannot be stored',
  bug: 'something went wrong on our side',
};
/** What was thrown, as a DomainError; body-parser's own refusals (too large, malformed) are read here. */
function httpFailure(error: unknown): DomainError {
  const failure = toDomainError(error, HTTP_WORDING);
  if (failure.fault !== 'bug') return failure;
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return refuse('payload_too_large', 'request body too large');
  // body-parser: malformed JSON, wrong charset, bad encoding…
  if (typeof status === 'number' && status >= 400 && status < 500)
    return refuse('invalid_payload', 'malformed request body');
  return failure;
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
};

/** Logs and counts a failed request; returns its code, message and status. */
function recordFailure(log: Logger, metrics: Metrics, error: unknown) {
  const failure = httpFailure(error);
  logFailure(log, failure, {}, 'request failed');
  metrics.rejected.inc({ code: failure.code });
  return { code: failure.code, message: failure.message, status: STATUS[failure.code] };
}

/**
 * Lingering time between answering a refused upload and dropping its connection: the client reads the
 * answer first, even a client on a loaded machine or a slow network (at 300 ms one on 2 busy cores did not).
 */
const CLOSE_AFTER_MS = 2000;
/** A refused body declared at most this long is read to its end before the answer (the connection stays). */
const READ_SMALL_BODY_BYTES = 1024 * 1024;
const READ_SMALL_BODY_MS = 2000;

/**
 * Answers a failure at once, even when the request body is still arriving (an upload refused before it
 * was read: too large, wrong type, rate-limited): with `Connection: close`, and the connection dropped
 * shortly after the answer went out, rather than draining a body of any size. A small declared body is
 * read first instead: a client that has not finished writing it would see a broken pipe, not the answer.
 */
export function answerAndClose(
  log: Logger,
  metrics: Metrics,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
) {
  const { code, message, status } = recordFailure(log, metrics, error);
  if (res.headersSent) return void req.destroy();
  const answer = (close: boolean) => {
    if (res.headersSent) return;
    if (close) {
      res.setHeader('Connection', 'close');
      res.once('finish', () => setTimeout(() => req.destroy(), CLOSE_AFTER_MS).unref());
    }
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: { code, message } }));
  };
  const declared = Number(req.headers['content-length']);
  if (req.complete || req.destroyed) return answer(false);
  if (!(declared <= READ_SMALL_BODY_BYTES)) return answer(true);
  const timer = setTimeout(() => answer(true), READ_SMALL_BODY_MS).unref();
  req.once('end', () => {
    clearTimeout(timer);
    answer(false);
  });
  req.once('error', () => clearTimeout(timer));
  req.resume();
}

/** The one place HTTP errors are turned into `{error:{code,message}}`. Bad input never becomes a 5xx. */
export function errorHandler(log: Logger, metrics: Metrics): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { code, message } = recordFailure(log, metrics, error);
    if (res.headersSent) return;
    const reply = () => {
      if (!res.headersSent) res.status(STATUS[code]).json({ error: { code, message } });
    };
    // A body refused before it was read (too large) is still arriving: drain it (up to a bound) before
    // answering, or the client sees a connection reset instead of the 413.
    if (!req.complete && !req.destroyed) drainThen(req, reply);
    else reply();
  };
}

const DRAIN_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads and drops a request body nothing else consumed (a body on a GET, a non-JSON body), so the answer
 * reaches the client instead of a connection reset. Bodies over `maxBytes` are refused with 413.
 */
export function discardUnreadBody(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.complete || req.readableEnded) return next();
    let seen = 0;
    let settled = false;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes && !settled) {
        settled = true;
        req.off('data', onData);
        next(refuse('payload_too_large', 'request body too large'));
      }
    };
    req.on('data', onData);
    req.once('end', () => {
      if (!settled) {
        settled = true;
        next();
      }
    });
    req.resume();
  };
}

function drainThen(req: IncomingMessage, done: () => void) {
  let seen = 0;
  const finish = () => {
    clearTimeout(timer);
    done();
  };
  const timer = setTimeout(finish, 2000);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_MAX_BYTES) {
      clearTimeout(timer);
      req.destroy();
    }
  });
  req.once('end', finish);
  req.once('error', () => clearTimeout(timer));
  req.resume();
}
