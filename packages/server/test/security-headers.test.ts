import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedVisitor, expectNoCrashLogs } from './helpers/adversary.js';
import { api, defaultSiteKey, emit, login, ok } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/** XSS on the server side: security headers, a strict CSP on the console and the API, text served as data. */
let server: RunningServer;
let admin: string;
let siteKey: string;

beforeAll(async () => {
  server = await startServer();
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
});
afterAll(async () => {
  expectNoCrashLogs(server);
  await server.stop();
  removeDir(server.dataDir);
});

/** Parses a CSP header into directive → sources. */
function csp(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

function expectStrictCsp(header: string | null, what: string) {
  const policy = csp(header);
  expect(policy.get('default-src'), what).toEqual(["'self'"]);
  expect(policy.get('script-src'), what).toEqual(["'self'"]);
  expect(policy.get('object-src'), what).toEqual(["'none'"]);
  expect(policy.get('base-uri'), what).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(policy.get('form-action'), what).toEqual(["'self'"]);
  for (const [, sources] of policy) {
    expect(sources, what).not.toContain("'unsafe-inline'");
    expect(sources, what).not.toContain("'unsafe-eval'");
    expect(sources, what).not.toContain('*');
    expect(sources, what).not.toContain('data:');
  }
}

describe('security headers', () => {
  it('the console, the demo page, the API and errors carry a strict CSP and anti-framing headers', async () => {
    for (const path of [
      '/console/',
      '/console/some/deep/link',
      '/',
      '/api/me',
      '/api/sites',
      '/healthz',
      '/no-such-page',
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status, path).toBeLessThan(500);
      const what = `${path} (${res.status})`;
      // img-src may allow data: (icons); everything else is checked strictly.
      const header = res.headers.get('content-security-policy')?.replace(/img-src [^;]*;?/, '') ?? null;
      expectStrictCsp(header, what);
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-powered-by'), what).toBeNull();
    }
  });

  it('the console needs no inline script or style, so the CSP does not break it', async () => {
    const res = await fetch(`${server.url}/console/`);
    if (res.status === 503) return; // console not built in this checkout (CI builds it first)
    const html = await res.text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('widget.js is embeddable script: CORS *, nosniff, JavaScript content type, no framing rules', async () => {
    const res = await fetch(`${server.url}/widget.js`);
    if (res.status === 503) return; // widget not built in this checkout
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('serves hostile message text only as JSON data, never as HTML', async () => {
    const v = await connectedVisitor(server.url, siteKey);
    const payload = '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
    const { message } = await ok(
      emit<{ message: Message }>(v.socket, 'message:send', { clientId: 'x1', text: payload }),
    );
    expect(message.text).toBe(payload);
    const res = await fetch(`${server.url}/api/conversations/${message.conversationId}/messages`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The demo page never reflects visitor input.
    const demo = await (await fetch(`${server.url}/?q=<script>alert(1)</script>`)).text();
    expect(demo).not.toContain('alert(1)');
    // Error messages do not echo raw input back.
    const bad = await api(server.url, `/api/conversations/${encodeURIComponent('<script>x</script>')}`, {
      token: admin,
    });
    expect(JSON.stringify(bad.body)).not.toContain('<script>');
    v.socket.close();
  });
});
