import type { ErrorCode } from '@parley/protocol';
import type { z } from 'zod';
import { isDataException, isUnavailable } from '../driver-errors.js';
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
