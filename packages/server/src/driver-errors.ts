/**
 * The one place that recognises what PostgreSQL (pg), PGlite and node-redis throw. Below every layer (the
 * store, the coordinator and the domain's toDomainError all ask here), and free of their imports.
 */

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

const PG_UNIQUE_VIOLATION = '23505';

/** A unique constraint refused the row (SQLSTATE 23505): the thing exists already, a `conflict`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === PG_UNIQUE_VIOLATION;
}
