import { type ErrorCode, LIMITS } from '@parley/protocol';
import fc from 'fast-check';

/** Malicious and edge-case inputs shared by the fuzz suites. */

/** The fuzz seed: fixed with PARLEY_FUZZ_SEED to replay a failure, otherwise random and printed. */
export function fuzzSettings(file: string) {
  const seed = process.env.PARLEY_FUZZ_SEED ? Number(process.env.PARLEY_FUZZ_SEED) : (Date.now() ^ 0x5eed) >>> 0;
  const numRuns = Number(process.env.PARLEY_FUZZ_RUNS ?? 200);
  // Printed up front too, in case a failure is a crash or hang rather than a fast-check counterexample.
  console.log(`[${file}] fast-check seed ${seed}, ${numRuns} runs per property (replay: PARLEY_FUZZ_SEED=${seed})`);
  return { seed, numRuns };
}

/** Every code a rejection may carry; `internal` is deliberately absent (it means a server bug). */
export const REJECTION_CODES = new Set<ErrorCode>([
  'invalid_payload',
  'unknown_site',
  'origin_not_allowed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'too_many_attempts',
  'invalid_credentials',
  'conversation_closed',
  'not_assigned',
  'agent_unavailable',
  'payload_too_large',
  'blocked',
]);

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

export const EVIL_STRINGS: string[] = [
  '',
  ' ',
  '\t\r\n',
  '\u0000',
  'nul\u0000inside',
  '\uD800',
  '\uDFFF',
  'lone \uD83D high',
  'lone \uDE00 low',
  '\u202Eevil\u202C.exe',
  '\u202Dlrt\u200F\u200E',
  '\u200B\u200C\u200D\u2060',
  '\uFEFFbom',
  'e\u0301'.repeat(300),
  'Z̵̧̛͔̼͎̈́a̸̢̛̱̓l̷̩̈́g̶̜̈o̴̡͝',
  '😀'.repeat(2600),
  '👨‍👩‍👧‍👦',
  'x'.repeat(LIMITS.textMax),
  'x'.repeat(LIMITS.textMax + 1),
  ' '.repeat(LIMITS.textMax + 10),
  'ﷺ'.repeat(100),
  "'; drop table messages; --",
  "' or '1'='1",
  '1); delete from agents; --',
  "'; select pg_sleep(10); --",
  '$1',
  '%s%s%s%n',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e/%2e%2e/package.json',
  '/widget/../../etc/passwd',
  '..\\..\\windows\\win.ini',
  ...PROTO_KEYS,
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"__proto__":{"polluted":1}}',
  '\r\nSet-Cookie: a=1',
  'v1.visitor.site.0000',
  'Bearer aaaaaaaaaaaaaaaa',
  'a@b',
  'admin@example.com',
  'https://evil.example',
];

/** Characters that break naive handling: lone surrogates, bidi overrides, NUL, combining marks, BOM. */
const weirdChar = fc.oneof(
  fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\u202E', '\u202D', '\u200F', '\u0000', '\uFEFF', '\u0301'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);

export const evilString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EVIL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: weirdChar, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);

/** JSON that parses into own `__proto__` / `constructor` keys (an object literal would set the prototype). */
export const POLLUTION_OBJECTS: unknown[] = [
  JSON.parse('{"__proto__":{"polluted":"yes","role":"admin","internal":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"__proto__":{"__proto__":{"polluted":"yes"}},"text":"x","clientId":"p1"}'),
];

export function deepNest(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

export const HANDPICKED: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  'string',
  [],
  [[[]]],
  {},
  deepNest(2000),
  Array.from({ length: 2000 }, (_, i) => i),
  Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
  ...POLLUTION_OBJECTS,
  ...EVIL_STRINGS.slice(0, 20),
];

/** A leaf value: mostly evil strings, also numbers, booleans, nulls and the given real (foreign) ids. */
export function evilLeaf(ids: string[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: evilString },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...HANDPICKED) },
    ...(ids.length ? [{ weight: 3, arbitrary: fc.constantFrom(...ids) }] : []),
  );
}

/**
 * Payloads for one event: anything at all, hand-picked nasties, and near-valid objects (the event's own
 * keys, some valid values, some evil ones, plus prototype keys) that reach deeper than the schema check.
 */
export function payloadFor(fields: Record<string, fc.Arbitrary<unknown>>, ids: string[] = []): fc.Arbitrary<unknown> {
  const leaf = evilLeaf(ids);
  const nearValid = fc.record(
    Object.fromEntries(Object.entries(fields).map(([key, valid]) => [key, fc.oneof(valid, valid, leaf)])),
    { requiredKeys: [] },
  );
  const withProtoKeys = fc
    .tuple(nearValid, fc.constantFrom(...PROTO_KEYS), leaf)
    .map(([obj, key, value]) => JSON.parse(JSON.stringify({ ...(obj as object), [`${key}`]: value })) as unknown);
  return fc.oneof(
    { weight: 4, arbitrary: nearValid },
    { weight: 1, arbitrary: withProtoKeys },
    {
      weight: 2,
      arbitrary: fc.anything({
        maxDepth: 3,
        maxKeys: 5,
        withNullPrototype: true,
        key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...PROTO_KEYS, ...Object.keys(fields))),
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...HANDPICKED) },
  );
}

export const validText = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0);
export const validClientId = fc.string({ minLength: 1, maxLength: 20 }).map((s) => `fz-${s}`.slice(0, 64));
