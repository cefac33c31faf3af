import type { ErrorCode } from '@parley/protocol';
import type { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * Why a request failed. `refused`: an expected refusal with a stable code (the client's input or state).
 * `unavailable`: a backing service is unreachable; the client retries. `bad_data`: the database refused a
 * value that got past validation (the client's fault). `bug`: anything else, answered `internal`.
 */
export type Fault = 'refused' | 'unavailable' | 'bad_data' | 'bug';

/** A failure as the client sees it: a stable code and a message. The one error type handlers answer with. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly fault: Fault = 'refused',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const refuse = (code: ErrorCode, message: string, details?: unknown) => new DomainError(code, message, details);

/** What each transport tells the client about a failure that is not a refusal. */
export type FaultWording = Record<Exclude<Fault, 'refused'>, string>;

/**
 * The one normaliser: whatever was thrown becomes a DomainError. A DomainError stays as it is; a driver
 * error is classified here (isUnavailable, isDataException); anything else is a bug. The original error is
 * the result's `cause`, for the log.
 */
export function toDomainError(error: unknown, wording: FaultWording): DomainError {
  if (error instanceof DomainError) return error;
  if (isUnavailable(error))
    return new DomainError('unavailable', wording.unavailable, undefined, 'unavailable', { cause: error });
  if (isDataException(error))
    return new DomainError('invalid_payload', wording.bad_data, undefined, 'bad_data', { cause: error });
  return new DomainError('internal', wording.bug, undefined, 'bug', { cause: error });
}

/**
 * Logs a failure as its fault deserves: a refusal not at all, an outage or refused data as a warning, a bug
 * as an error (`bugMessage`). The logged `err` is the original error.
 */
export function logFailure(log: Logger, failure: DomainError, fields: object, bugMessage: string): void {
  const entry = { err: failure.fault === 'refused' ? failure : failure.cause, ...fields };
  if (failure.fault === 'unavailable') log.warn(entry, 'store unavailable');
  else if (failure.fault === 'bad_data') log.warn(entry, 'input refused by the database');
  else if (failure.fault === 'bug') log.error(entry, bugMessage);
}

/** How a refusal of invalid input names it: `root` for an issue at the top level, `nul` for a NUL character. */
export type InputNames = { root: string; nul: string };

/**
 * The one input check: parses with a protocol schema (a missing input is `{}`) or refuses with
 * `invalid_payload`, naming the first issue's path. Strings holding NUL are refused too (PostgreSQL text
 * cannot store them).
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, names: InputNames): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success && containsNul(result.data)) throw refuse('invalid_payload', names.nul);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw refuse(
    'invalid_payload',
    issue ? `${issue.path.join('.') || names.root}: ${issue.message}` : 'invalid payload',
  );
}

/** True when any string in a parsed payload holds a NUL character, which PostgreSQL text cannot store. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (containsNul(item, depth + 1)) return true;
  return false;
}

// ---- driver errors: the one place that recognises PostgreSQL (pg), PGlite and node-redis failures ----

/**
 * PostgreSQL data exceptions (SQLSTATE class 22: bad encoding, NUL in text or JSON, unparsable dates or
 * numbers out of range) can only come from input that got past validation: they are the client's fault.
 * pg and PGlite both carry the SQLSTATE in `code`.
 */
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * node-redis (v5/v6) error classes that mean "Redis is not reachable right now", matched by class name
 * (the package stays external to the bundle, so names are intact; subclasses such as
 * CommandTimeoutDuringMaintenanceError match through their parent). Matching by name keeps the redis
 * package unloaded in single-process mode.
 */
const REDIS_UNAVAILABLE = new Set([
  'ClientOfflineError', // command sent while reconnecting, offline queue disabled
  'ClientClosedError', // command sent to a destroyed client
  'SocketClosedUnexpectedlyError', // connection lost with the command in flight
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'TimeoutError', // command timeout (also AbortSignal.timeout's DOMException)
  'DisconnectsClientError',
  'ReconnectStrategyError',
]);

function classNames(error: object): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  )
    names.push(String(proto.constructor?.name));
  return names;
}

/**
 * A backing service (the store or Redis) is unreachable: a connection refused or lost, PostgreSQL
 * shutting down or starting up (SQLSTATE class 08, 57P01–57P03), a pool or command timing out, or any
 * node-redis connection error. Clients get `unavailable` and retry; it is not a bug. toDomainError, the
 * handshakes, the router and the coordinator's fallbacks all ask here.
 */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (
    typeof code === 'string' &&
    (UNAVAILABLE_ERRNO.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code))
  )
    return true;
  if (name === 'TimeoutError' || classNames(error).some((n) => REDIS_UNAVAILABLE.has(n))) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|connection error|Cannot use a pool after calling end|The client is (closed|offline)|The queue is full/i.test(
      message,
    )
  );
}
