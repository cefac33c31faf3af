import { pino } from 'pino';

/**
 * Fields of a database error (pg, PGlite) that carry values from the request rather than facts about the
 * failure: the statement's parameters (PGlite attaches them), the failing row ("Key (email)=(…)"), the
 * input around the failure ("JSON data, line 1: …url…"). A visitor's name, email or page URL would land
 * in the log with them, so they never leave the process.
 */
const VALUE_FIELDS = new Set([
  'params',
  'parameters',
  'values',
  'queryOptions',
  'detail',
  'where',
  'hint',
  'internalQuery',
]);

/** A PostgreSQL data exception (class 22) quotes the refused value in its message: `…: "jo@example.com"`. */
const quotesRefusedValue = (code: unknown) => typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
const unquote = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"/g, '"[redacted]"');

/** pino's error serializer, minus any value the failing request carried (recursively, through `cause`). */
export function serializeError(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as unknown;
  return scrub(out, 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const clean: Record<string, unknown> = {};
  const hideQuoted = quotesRefusedValue(record.code);
  for (const [key, field] of Object.entries(record)) {
    if (VALUE_FIELDS.has(key)) continue;
    if (hideQuoted && (key === 'message' || key === 'stack') && typeof field === 'string') clean[key] = unquote(field);
    else if (key === 'cause' || key === 'aggregateErrors') clean[key] = scrubAll(field, depth + 1);
    else clean[key] = field;
  }
  return clean;
}

const scrubAll = (value: unknown, depth: number) =>
  Array.isArray(value) ? value.map((v) => scrub(v, depth)) : scrub(value, depth);

/**
 * JSON lines on stdout. Secrets are redacted by path; message text is only ever logged at debug; errors
 * go through `serializeError`, so no log line carries a visitor's data from a refused query.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'visitorToken',
        '*.visitorToken',
        'authorization',
        '*.authorization',
        'text',
        '*.text',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
