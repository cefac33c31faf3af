import { describe, expect, it } from 'vitest';
import {
  agentAuth,
  agentMessageSend,
  createSiteBody,
  visitorAuth,
  visitorIdentify,
  visitorMessageSend,
} from './schemas.js';

describe('protocol schemas', () => {
  it('trims message text and enforces 1–5000 characters', () => {
    expect(visitorMessageSend.parse({ clientId: 'a', text: '  hi  ' }).text).toBe('hi');
    expect(visitorMessageSend.safeParse({ clientId: 'a', text: '   ' }).success).toBe(false);
    expect(visitorMessageSend.safeParse({ clientId: 'a', text: 'x'.repeat(5000) }).success).toBe(true);
    expect(visitorMessageSend.safeParse({ clientId: 'a', text: 'x'.repeat(5001) }).success).toBe(false);
  });
  it('allows an empty text only with attachments: distinct ids, at most 10', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `att-${i}`);
    expect(visitorMessageSend.safeParse({ clientId: 'a', attachments: ids(1) }).success).toBe(true);
    expect(visitorMessageSend.safeParse({ clientId: 'a', text: ' ', attachments: ids(10) }).success).toBe(true);
    expect(visitorMessageSend.safeParse({ clientId: 'a', attachments: ids(11) }).success).toBe(false);
    expect(visitorMessageSend.safeParse({ clientId: 'a', attachments: [] }).success).toBe(false);
    expect(visitorMessageSend.safeParse({ clientId: 'a' }).success).toBe(false);
    expect(visitorMessageSend.safeParse({ clientId: 'a', attachments: ['x', 'x'] }).success).toBe(false);
    const note = { conversationId: 'c', clientId: 'a', internal: true, attachments: ids(2) };
    expect(agentMessageSend.safeParse(note).success).toBe(true);
    expect(agentMessageSend.safeParse({ ...note, attachments: undefined }).success).toBe(false);
  });
  it('drops unknown keys, including prototype-pollution keys', () => {
    const parsed = agentMessageSend.parse(
      JSON.parse('{"conversationId":"c","clientId":"x","text":"t","__proto__":{"polluted":1},"role":"admin"}'),
    );
    expect(Object.keys(parsed).sort()).toEqual(['clientId', 'conversationId', 'text']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('accepts only real http(s) origins for sites', () => {
    expect(createSiteBody.safeParse({ name: 'a', allowedOrigins: ['https://shop.example.com'] }).success).toBe(true);
    for (const bad of ['https://shop.example.com/', 'javascript:alert(1)', 'shop.example.com', 'ftp://x.example'])
      expect(createSiteBody.safeParse({ name: 'a', allowedOrigins: [bad] }).success, bad).toBe(false);
  });
  it('requires a site key in the visitor handshake', () => {
    expect(visitorAuth.safeParse({}).success).toBe(false);
    expect(visitorAuth.safeParse({ siteKey: 'k', visitorToken: 'v1.a.b.c' }).success).toBe(true);
  });
});

describe('handshake credentials and identify', () => {
  it('refuse NUL and lone surrogates, accept well-formed pairs', () => {
    for (const siteKey of ['k\u0000', '\uD800', 'a\uDC00', 'k'.repeat(65)])
      expect(visitorAuth.safeParse({ siteKey }).success, JSON.stringify(siteKey)).toBe(false);
    expect(visitorAuth.safeParse({ siteKey: 'k😀' }).success).toBe(true);
    expect(agentAuth.safeParse({ token: 'a\uD83D' }).success).toBe(false);
    expect(visitorIdentify.safeParse({ token: 'h.p.s' }).success).toBe(true);
    expect(visitorIdentify.safeParse({ token: 'h.p.' }).success).toBe(true);
    expect(visitorIdentify.safeParse({ token: `h.${'p'.repeat(2048)}.s` }).success).toBe(false);
    expect(visitorIdentify.safeParse({ token: 'not a jwt' }).success).toBe(false);
    expect(visitorIdentify.safeParse({ userId: 'u', userHash: 'h' }).success).toBe(true);
  });
});
