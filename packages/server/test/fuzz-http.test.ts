import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLogs, expectNoCrashLogs, roundTrip } from './helpers/adversary.js';
import { api, createAgent, defaultSiteKey, login } from './helpers/clients.js';
import {
  EVIL_STRINGS,
  evilString,
  fuzzSettings,
  POLLUTION_OBJECTS,
  payloadFor,
  REJECTION_CODES,
} from './helpers/evil.js';
import { encodeSegment, fillPath, ROUTES } from './helpers/routes.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Property-based fuzzing of every HTTP route on the real server process: generated bodies, malformed
 * JSON, odd content types and methods, evil path parameters and query strings, forged tokens. Nothing
 * may answer 5xx; every API refusal is JSON with a known code; the server keeps chatting afterwards.
 */
const { seed, numRuns } = fuzzSettings('fuzz-http');
let server: RunningServer;
let admin: string;
let agentToken: string;
let siteKey: string;
const ids: string[] = [];

beforeAll(async () => {
  server = await startServer({ env: { PARLEY_LOGIN_WINDOW_MS: '1000' } });
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
  const sacrificial = await createAgent(server.url, admin);
  agentToken = sacrificial.token;
  const site = (await api(server.url, '/api/sites', { token: admin })).body.sites[0];
  ids.push(sacrificial.agent.id, site.id, 'nope', '00000000-0000-0000-0000-000000000000');
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A raw HTTP request: the path is sent byte for byte (no URL normalisation, unlike fetch). */
function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  // Bodies are framed with Content-Length: Node's client sends a GET/DELETE body unframed otherwise,
  // which any HTTP server must reject as a protocol error (400 and close), not as a request.
  const payload = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  const headers = { ...init.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) };
  return new Promise<Raw>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // Over Node's 16 KiB header limit the server answers 431 and closes at once; a client still
      // sending its body then sees the connection reset. That is the refusal, not a crash.
      const headerBytes =
        path.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 0);
      if (headerBytes > 16 * 1024 && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
        resolve({ status: 431, headers: {}, body: '' });
      else reject(error);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

const STATIC_NOT_BUILT = /not built/;
/** Node refuses to send control characters in headers; the server never sees those anyway. */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?');

function expectSane(res: Raw, what: string) {
  const builtMissing = res.status === 503 && STATIC_NOT_BUILT.test(res.body);
  expect(res.status < 500 || builtMissing, `${what} → ${res.status} ${res.body.slice(0, 200)}`).toBe(true);
  // Engine.IO answers its own protocol errors ({code:0,message}) under /socket.io/.
  const json = String(res.headers['content-type'] ?? '').includes('application/json') && !what.includes('socket.io');
  if (res.status >= 400 && json && res.body) {
    const code = (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;
    expect(REJECTION_CODES.has(code as never), `${what} → ${res.status} code ${code}`).toBe(true);
  }
}

const pathParam = () =>
  fc.oneof(
    fc.constantFrom(...ids).map(encodeSegment),
    evilString.map(encodeSegment),
    fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      '%00',
      '%2e%2e',
      '..%2f..%2f',
      '%2F',
      '%C0%AE%C0%AE',
      '%uD800',
      'a'.repeat(3000),
    ),
  );
const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom('status', 'limit', 'cursor', 'siteKey', 'from', 'to', '__proto__', 'constructor[prototype]'),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(
    evilString,
    fc.integer().map(String),
    fc.constantFrom('open', 'queued', '-1', '1e9', '2020-01-01', '9999-99-99'),
  ),
  { maxKeys: 4 },
);
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: payloadFor(
      {
        email: fc.emailAddress(),
        password: fc.string({ minLength: 8, maxLength: 20 }),
        name: fc.string({ minLength: 1, maxLength: 20 }),
        role: fc.constantFrom('agent', 'supervisor', 'admin', 'root'),
        maxChats: fc.integer({ min: -5, max: 60 }),
        active: fc.boolean(),
        allowedOrigins: fc.array(fc.webUrl(), { maxLength: 3 }),
        settings: fc.record({ color: fc.constantFrom('#ffffff', 'red') }),
        shortcut: fc.string({ maxLength: 40 }),
        text: fc.string({ maxLength: 40 }),
        reason: fc.string({ maxLength: 40 }),
      },
      ids,
    ).map((b) => ({ json: JSON.stringify(b) as string | undefined })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{',
        '{"a":',
        '[',
        'null',
        '"str"',
        '1',
        'true',
        '{"a":1}}',
        '\u0000',
        '{"__proto__":{"role":"admin"}}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `{"text":"${'x'.repeat(60_000)}"}`,
      )
      .map((s) => ({ json: s })),
  },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-7',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=ibm037',
  undefined,
);
const authHeader = fc.oneof(
  fc.constantFrom('admin', 'agent', 'none'),
  evilString.map((s) => `Bearer ${s}`),
  fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(5000)}`, 'bearer x'),
);
const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');

describe('fuzzing HTTP routes', () => {
  for (const route of ROUTES.filter((r) => r.path !== '/api/auth/logout' && r.path !== '/api/auth/login')) {
    it(`${route.method} ${route.path} never answers 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(
          pathParam(),
          query,
          body,
          contentType,
          authHeader,
          fc.oneof(fc.constant(route.method), method),
          async (id, q, b, type, auth, m) => {
            const qs = new URLSearchParams(q as Record<string, string>).toString();
            const path = fillPath(route.path, id) + (qs ? `?${qs}` : '');
            const headers: Record<string, string> = { 'x-forwarded-for': `10.${Math.floor(Math.random() * 250)}.0.1` };
            if (type) headers['content-type'] = type;
            // Never the admin's token on routes that could lock the admin out of the rest of the run.
            const token = auth === 'admin' ? admin : auth === 'agent' ? agentToken : auth === 'none' ? null : auth;
            if (token)
              headers.authorization = headerSafe(
                token.startsWith('Bearer') || token.startsWith('Basic') || token.startsWith('bearer')
                  ? token
                  : `Bearer ${token}`,
              );
            const send = m !== 'GET' && m !== 'HEAD' && b.json !== undefined;
            const res = await raw(path, { method: m, headers, ...(send ? { body: b.json } : {}) });
            expectSane(res, `${m} ${path.slice(0, 120)}`);
          },
        ),
        { seed, numRuns, endOnFailure: true },
      );
    }, 60_000);
  }

  it('POST /api/auth/login and /logout never answer 5xx (bodies, tokens, throttling)', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, authHeader, async (b, type, auth) => {
        const headers: Record<string, string> = { 'x-forwarded-for': `10.${Math.floor(Math.random() * 250)}.1.1` };
        if (type) headers['content-type'] = type;
        const res = await raw('/api/auth/login', {
          method: 'POST',
          headers,
          ...(b.json !== undefined ? { body: b.json } : {}),
        });
        expectSane(res, `login ${String(b.json).slice(0, 80)}`);
        if (auth !== 'admin' && auth !== 'agent' && auth !== 'none') headers.authorization = headerSafe(auth);
        expectSane(await raw('/api/auth/logout', { method: 'POST', headers }), `logout ${auth.slice(0, 40)}`);
      }),
      { seed, numRuns: Math.max(20, Math.floor(numRuns / 4)), endOnFailure: true },
    );
  }, 60_000);

  it('never serves files outside the static folders (path traversal)', async () => {
    const paths = [
      '/widget/../../etc/passwd',
      '/widget/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/widget/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/widget/%2e%2e%2f%2e%2e%2fpackage.json',
      '/widget/%252e%252e/%252e%252e/package.json',
      '/widget/..\\..\\..\\package.json',
      '/widget/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
      '/widget/%00../../package.json',
      '/widget/....//....//package.json',
      '/console/../../../../etc/passwd',
      '/console/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/console/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/console/assets/..%2f..%2f..%2fsrc%2fmain.ts',
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '//etc/passwd',
      '/widget//etc/passwd',
      '/widget.js/../../package.json',
      '/widget/../packages/server/package.json',
      '/console/../packages/server/dist/main.js',
    ];
    for (const path of paths) {
      const res = await raw(path);
      expectSane(res, path);
      expect(res.body, path).not.toMatch(/root:.*:0:0:|"@parley\/server"|"name": "parley"|startParley/);
    }
  });

  it('refuses bodies over the 64 kB limit with 413 payload_too_large', async () => {
    const res = await api(server.url, '/api/sites', { token: admin, rawBody: `{"name":"${'x'.repeat(70_000)}"}` });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('refuses prototype-pollution bodies without side effects', async () => {
    for (const polluted of POLLUTION_OBJECTS) {
      for (const route of ['/api/sites', '/api/agents', '/api/canned', '/api/auth/login']) {
        const res = await api(server.url, route, { token: admin, rawBody: JSON.stringify(polluted) });
        expect(res.status, route).toBeLessThan(500);
      }
    }
    // A plain agent is still a plain agent: nothing was merged into a prototype.
    const plain = await createAgent(server.url, admin);
    const me = await api(server.url, '/api/me', { token: plain.token });
    expect(me.body.agent.role).toBe('agent');
    expect((await api(server.url, '/api/agents', { token: plain.token, body: {} })).status).toBe(403);
  });

  it('answers garbage Engine.IO / Socket.IO handshakes over HTTP with 4xx', async () => {
    const paths = [
      '/socket.io/',
      '/socket.io/?EIO=3&transport=polling',
      '/socket.io/?EIO=4&transport=evil',
      '/socket.io/?EIO=4&transport=polling&sid=nope',
      '/socket.io/?EIO=4&transport=websocket',
      `/socket.io/?EIO=4&transport=polling&sid=${'a'.repeat(5000)}`,
      '/socket.io/?EIO=%00&transport=polling',
    ];
    for (const path of paths) expectSane(await raw(path), path);
    for (const b of ['garbage', '4{', '40/visitor,{"siteKey":{"$ne":1}}', EVIL_STRINGS[5]!])
      expectSane(
        await raw('/socket.io/?EIO=4&transport=polling&sid=nope', {
          method: 'POST',
          body: b,
          headers: { 'content-type': 'text/plain' },
        }),
        `POST /socket.io/ ${b}`,
      );
  });
});

describe('after the HTTP fuzzing', () => {
  it('still chats normally: a full visitor → agent → visitor round trip', async () => {
    await roundTrip(server.url, siteKey, admin, 'after-http-fuzz');
  });
  it('logged no uncaught error, no unhandled rejection and nothing at error level', () => {
    expectNoCrashLogs(server);
    expect(errorLogs(server).map((l) => `${l.msg} ${JSON.stringify(l.err ?? '').slice(0, 300)}`)).toEqual([]);
  });
});
