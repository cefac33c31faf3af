import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { BUDGET, measureServed, report } from '../../widget/scripts/size.mjs';
import { expectNoCrashLogs } from './helpers/adversary.js';
import { api, connectVisitor, defaultSiteKey, emit, login, ok } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Every text answer goes out compressed, per Accept-Encoding (CONTRACT "Added 2026-12-06 — serving"):
 * the widget and console from the .br/.gz files their builds write, API JSON, the demo page and /metrics
 * on the fly. A real server process serves a widget and console freshly built into a temp dir.
 */

const packages = fileURLToPath(new URL('../..', import.meta.url));
let root: string;
let server: RunningServer;
let admin: string;
let siteKey: string;
let manifest: Record<string, { file: string; name?: string; isEntry?: boolean }>;

/** Builds the widget and the console the way `pnpm build` does, into `<root>/packages/<pkg>/dist`. */
function buildInto(dir: string) {
  const pkg = (name: string) => path.join(packages, name);
  const vite = path.join(
    path.dirname(createRequire(path.join(pkg('widget'), 'package.json')).resolve('vite/package.json')),
    'bin/vite.js',
  );
  const env = { ...process.env, NODE_ENV: 'production' };
  const run = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'error', ...args], {
      cwd,
      env: { ...env, ...extra },
      stdio: 'inherit',
    });
  const widgetOut = { PARLEY_WIDGET_OUT_DIR: path.join(dir, 'packages/widget/dist') };
  run(pkg('widget'), ['-c', 'vite.config.ts'], widgetOut);
  run(pkg('widget'), ['-c', 'vite.loader.config.ts'], widgetOut);
  run(pkg('agent-console'), ['--outDir', path.join(dir, 'packages/agent-console/dist'), '--emptyOutDir']);
}

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** One HTTP exchange, the body as received: nothing decompressed behind our back (fetch would). */
function raw(
  route: string,
  init: { encoding?: string; method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Raw> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.encoding !== undefined) headers['accept-encoding'] = init.encoding;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${route}`, { method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const DECODE: Record<string, (b: Buffer) => Buffer> = { br: brotliDecompressSync, gzip: gunzipSync };
const vary = (r: Raw) => String(r.headers.vary ?? '').toLowerCase();

/** Fetches `route` as identity, br and gzip: each compressed answer must decode to the identity bytes. */
async function expectServedCompressed(route: string, init: { headers?: Record<string, string> } = {}) {
  const identity = await raw(route, init);
  expect(identity.status, route).toBe(200);
  expect(identity.headers['content-encoding'], `${route} without Accept-Encoding`).toBeUndefined();
  expect(vary(identity), route).toContain('accept-encoding');
  const answers: Record<string, Raw> = {};
  for (const encoding of ['br', 'gzip']) {
    const res = await raw(route, { ...init, encoding });
    const what = `${route} (${encoding})`;
    expect(res.status, what).toBe(200);
    expect(res.headers['content-encoding'], what).toBe(encoding);
    expect(vary(res), what).toContain('accept-encoding');
    expect(res.headers['content-type'], what).toBe(identity.headers['content-type']);
    if (res.headers['content-length'] !== undefined)
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length, what).toBeLessThan(identity.body.length);
    expect(DECODE[encoding]!(res.body).equals(identity.body), `${what} decodes to the identity bytes`).toBe(true);
    answers[encoding] = res;
  }
  return { identity, ...answers } as { identity: Raw; br: Raw; gzip: Raw };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'parley-compress-'));
  buildInto(root);
  manifest = JSON.parse(readFileSync(path.join(root, 'packages/widget/dist/app-manifest.json'), 'utf8'));
  server = await startServer({ env: { PARLEY_STATIC_DIR: root } });
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
}, 240_000);

afterAll(async () => {
  if (server) {
    expectNoCrashLogs(server);
    await server.stop();
    removeDir(server.dataDir);
  }
  if (root) removeDir(root);
});

const entry = (name: string) => Object.values(manifest).find((c) => c.isEntry && c.name === name)!.file;

describe('compressed serving', () => {
  it('the widget loader, its app chunk and a locale go out br or gzip, keeping CORS and caching', async () => {
    const loader = await expectServedCompressed('/widget.js');
    for (const res of Object.values(loader)) {
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(res.headers['cache-control']).toBe('public, max-age=300');
    }
    for (const chunk of [entry('app'), entry('locale-en'), entry('locale-ar')]) {
      const served = await expectServedCompressed(`/widget/${chunk}`);
      for (const res of Object.values(served)) {
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['cache-control']).toContain('immutable');
      }
    }
  });

  it('the widget as received from the server fits its budget with br and with gzip', async () => {
    const m = await measureServed(server.url);
    console.log(`\n${report(m)}\n`);
    for (const encoding of ['br', 'gzip']) {
      const e = m[encoding];
      for (const f of [e.loader, ...e.app, ...e.locales]) expect(f.encoding, f.file).toBe(encoding);
      expect(e.loader.bytes, `loader, ${encoding}`).toBeLessThanOrEqual(BUDGET.loader);
      expect(e.afterOpen, `loader + app + one locale, ${encoding}`).toBeLessThanOrEqual(BUDGET.afterOpen);
    }
  });

  it('the console page, its script and its stylesheet go out compressed, the page with its CSP', async () => {
    const page = await expectServedCompressed('/console/');
    expect(page.br.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.br.headers['cache-control']).toBe('no-cache');
    // a deep link is the same page
    const deep = await expectServedCompressed('/console/conversations/some-id');
    expect(deep.br.body.equals(page.br.body)).toBe(true);
    const html = page.identity.body.toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) await expectServedCompressed(asset);
  });

  it('API JSON, the demo page and /metrics are compressed on the fly', async () => {
    for (let i = 0; i < 8; i++)
      await api(server.url, '/api/canned', {
        token: admin,
        body: { shortcut: `reply-${i}`, text: `Thanks for writing in! Reply number ${i} of the canned set.` },
      });
    const canned = await expectServedCompressed('/api/canned', { headers: { authorization: `Bearer ${admin}` } });
    expect(JSON.parse(DECODE.br!(canned.br.body).toString()).canned).toHaveLength(8);
    const demo = await expectServedCompressed('/');
    expect(DECODE.gzip!(demo.gzip.body).toString()).toContain(`data-site="${siteKey}"`);
    // /metrics changes between two scrapes: each encoding is checked on its own body
    for (const encoding of ['br', 'gzip']) {
      const metrics = await raw('/metrics', { encoding });
      expect(metrics.headers['content-encoding'], encoding).toBe(encoding);
      expect(vary(metrics)).toContain('accept-encoding');
      expect(DECODE[encoding]!(metrics.body).toString()).toMatch(/^# HELP /m);
    }
  });

  it('Accept-Encoding is negotiated: q-values, br first among equals, identity when nothing else fits', async () => {
    const cases: [string, string | undefined][] = [
      ['gzip, deflate, br', 'br'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['*', 'br'],
      ['identity', undefined],
      ['identity;q=1, br;q=0.1', undefined],
    ];
    for (const [accept, expected] of cases) {
      const res = await raw('/widget.js', { encoding: accept });
      expect(res.headers['content-encoding'], accept).toBe(expected);
    }
    // the same negotiation on the fly
    expect((await raw('/', { encoding: 'gzip;q=1, br;q=0.5' })).headers['content-encoding']).toBe('gzip');
  });

  it('conditional and HEAD requests work on the compressed variants', async () => {
    const br = await raw('/widget.js', { encoding: 'br' });
    const gzip = await raw('/widget.js', { encoding: 'gzip' });
    expect(br.headers.etag).toBeTruthy();
    expect(br.headers.etag).not.toBe(gzip.headers.etag);
    const revalidated = await raw('/widget.js', {
      encoding: 'br',
      headers: { 'if-none-match': String(br.headers.etag) },
    });
    expect(revalidated.status).toBe(304);
    const head = await raw(`/widget/${entry('app')}`, { encoding: 'br', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.body.length).toBe(0);
    // the variants are not reachable by their own names
    expect((await raw(`/widget/${entry('app')}.br`)).status).toBe(404);
  });

  it('errors still reach the client whole, and Socket.IO long-polling is untouched', async () => {
    const tooLarge = await raw('/api/auth/login', {
      method: 'POST',
      encoding: 'br, gzip',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(1024 * 1024, 'a'),
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body.toString()).error.code).toBe('payload_too_large');

    const visitor = await connectVisitor(server.url, siteKey, { transports: ['polling'] });
    try {
      await ok(emit(visitor.socket, 'message:send', { clientId: 'polling-1', text: 'hello over long-polling' }));
    } finally {
      visitor.socket.close();
    }
  });
});
