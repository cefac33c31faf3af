import { createHmac } from 'node:crypto';
import type { Message, VisitorProfile, VisitorSession } from '@parley/protocol';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentHandshake,
  connectedVisitor,
  errorLogs,
  expectNoCrashLogs,
  visitorHandshake,
} from './helpers/adversary.js';
import { api, emit, eventually, login, ok } from './helpers/clients.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Identity verification: only what the site's signature covers is shown to agents as verified. A signed
 * identity token (JWT, HS256, the site's identity secret) vouches for `sub` (userId) and any name/email
 * claims; the legacy userHash vouches for the userId alone; the visitor can never overwrite a signed field;
 * identify cannot be used to dodge a block; bad handshake input is refused with its code.
 */
let server: RunningServer;
let admin: string;
let site: { id: string; key: string; identitySecret: string };
let otherSite: { id: string; key: string; identitySecret: string };

const newSite = async (name: string) => {
  const created = await api(server.url, '/api/sites', { token: admin, body: { name, allowedOrigins: [] } });
  return (await api(server.url, `/api/sites/${created.body.id}`, { token: admin })).body.site;
};

/** How a site owner signs an identity token (README example). */
const signToken = (
  claims: { sub?: string; name?: string; email?: string },
  opts: { secret?: string; alg?: string; expiresIn?: string | number; noExp?: boolean } = {},
) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256' }).setIssuedAt();
  if (!opts.noExp) jwt.setExpirationTime(opts.expiresIn ?? '10m');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? site.identitySecret));
};
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const userHash = (userId: string, secret = site.identitySecret) =>
  createHmac('sha256', secret).update(userId).digest('hex');

/** What the console's visitor panel receives for a visitor's conversation. */
async function consoleVisitor(conversationId: string): Promise<VisitorProfile> {
  const res = await api(server.url, `/api/conversations/${conversationId}`, { token: admin });
  expect(res.status).toBe(200);
  return res.body.visitor;
}

/** A visitor with a conversation (so that the console can look them up). */
async function chattingVisitor(opts: { localAddress?: string } = {}) {
  const visitor = await connectedVisitor(server.url, site.key, opts);
  const { message } = await ok(
    emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'hello', text: 'hello' }),
  );
  return { ...visitor, conversationId: message.conversationId };
}

const identify = (visitor: { socket: import('socket.io-client').Socket }, payload: unknown) =>
  emit<{ session: VisitorSession }>(visitor.socket, 'visitor:identify', payload);

let database: { url: string; drop(): Promise<void> } | null = null;

/** The same promises on the embedded store and on PostgreSQL (migration 7 and the per-field SQL). */
const backends = (await requirePostgres()) ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
describe.each(backends)('identity on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'postgres') database = await createTestDatabase();
    server = await startServer(database ? { env: { DATABASE_URL: database.url } } : {});
    admin = await login(server.url);
    site = await newSite('Identity');
    otherSite = await newSite('Identity elsewhere');
  });
  afterAll(async () => {
    expectNoCrashLogs(server);
    await server.stop();
    removeDir(server.dataDir);
    await database?.drop();
    database = null;
  });

  describe('identity token (JWT)', () => {
    it('verifies sub, name and email: the console shows exactly those as verified', async () => {
      const visitor = await chattingVisitor();
      const token = await signToken({ sub: 'jwt-user-1', name: 'Ada Lovelace', email: 'ada@example.com' });
      const { session } = await ok(identify(visitor, { token }));
      expect(session).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', verified: true });
      expect([...(session.verifiedFields ?? [])].sort()).toEqual(['email', 'name', 'userId']);
      const shown = await consoleVisitor(visitor.conversationId);
      expect(shown).toMatchObject({ userId: 'jwt-user-1', name: 'Ada Lovelace', email: 'ada@example.com' });
      expect([...shown.verifiedFields].sort()).toEqual(['email', 'name', 'userId']);
      visitor.socket.close();
    });

    it('a token without name/email claims verifies the userId only', async () => {
      const visitor = await chattingVisitor();
      await ok(identify(visitor, { token: await signToken({ sub: 'jwt-user-2' }) }));
      await ok(emit(visitor.socket, 'visitor:update', { name: 'Typed Name' }));
      const shown = await consoleVisitor(visitor.conversationId);
      expect(shown).toMatchObject({ userId: 'jwt-user-2', name: 'Typed Name', verifiedFields: ['userId'] });
      visitor.socket.close();
    });

    it('refuses forged, expired, alg-none, wrong-algorithm, other-site and claimless tokens: forbidden, nothing changes', async () => {
      const visitor = await chattingVisitor();
      const good = await signToken({ sub: 'victim', name: 'Victim', email: 'victim@example.com' });
      const [header, payload] = good.split('.');
      const now = Math.floor(Date.now() / 1000);
      const refused: Record<string, string> = {
        'forged signature': `${header}.${payload}.${'A'.repeat(43)}`,
        'forged claims': `${header}.${b64({ sub: 'victim', email: 'evil@example.com', exp: now + 600 })}.${good.split('.')[2]}`,
        expired: await signToken({ sub: 'victim' }, { expiresIn: now - 3600 }),
        'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'victim', exp: now + 600 })}.`,
        'HS512 with the right secret': await signToken({ sub: 'victim' }, { alg: 'HS512' }),
        'another site’s secret': await signToken({ sub: 'victim' }, { secret: otherSite.identitySecret }),
        'no exp': await signToken({ sub: 'victim' }, { noExp: true }),
        'no sub': await signToken({ name: 'Victim' }),
        'an email claim that is no email': await signToken({ sub: 'victim', email: 'not-an-email' }),
        'not a JWT at all': 'aaaa.bbbb.cccc',
      };
      for (const [why, token] of Object.entries(refused)) {
        const res = await identify(visitor, { token });
        expect(res.ok, why).toBe(false);
        if (!res.ok) expect(res.error.code, why).toBe('forbidden');
      }
      expect((await identify(visitor, { token: `${'a'.repeat(2048)}.b.c` })).ok).toBe(false);
      const shown = await consoleVisitor(visitor.conversationId);
      expect(shown).toMatchObject({ id: visitor.session.visitorId, userId: null, name: null, email: null });
      expect(shown.verifiedFields).toEqual([]);
      visitor.socket.close();
    });

    it('visitor:update never rewrites a signed email, nor does a legacy identify', async () => {
      const visitor = await chattingVisitor();
      await ok(identify(visitor, { token: await signToken({ sub: 'jwt-user-3', email: 'real@example.com' }) }));
      const update = await ok<{ ignored: string[] }>(
        emit(visitor.socket, 'visitor:update', { name: 'New Name', email: 'attacker@example.com' }),
      );
      expect(update.ignored).toEqual(['email']);
      await ok(
        identify(visitor, { userId: 'jwt-user-3', userHash: userHash('jwt-user-3'), email: 'other@example.com' }),
      );
      const shown = await consoleVisitor(visitor.conversationId);
      expect(shown).toMatchObject({ name: 'New Name', email: 'real@example.com' });
      expect([...shown.verifiedFields].sort()).toEqual(['email', 'userId']);
      // A newer token from the site may change the signed email.
      await ok(identify(visitor, { token: await signToken({ sub: 'jwt-user-3', email: 'moved@example.com' }) }));
      expect((await consoleVisitor(visitor.conversationId)).email).toBe('moved@example.com');
      visitor.socket.close();
    });
  });

  describe('legacy userHash', () => {
    it('still identifies, and marks only the userId verified: name and email are shown as unverified', async () => {
      const visitor = await chattingVisitor();
      const { session } = await ok(
        identify(visitor, {
          userId: 'hash-user-1',
          userHash: userHash('hash-user-1'),
          name: 'Claimed Name',
          email: 'claimed@example.com',
        }),
      );
      expect(session).toMatchObject({ verified: true, verifiedFields: ['userId'] });
      const shown = await consoleVisitor(visitor.conversationId);
      expect(shown).toMatchObject({
        userId: 'hash-user-1',
        name: 'Claimed Name',
        email: 'claimed@example.com',
        verified: true,
        verifiedFields: ['userId'],
      });
      // Unsigned fields stay the visitor's to change.
      const update = await ok<{ ignored: string[] }>(
        emit(visitor.socket, 'visitor:update', { email: 'new@example.com' }),
      );
      expect(update.ignored).toEqual([]);
      expect((await consoleVisitor(visitor.conversationId)).email).toBe('new@example.com');
      visitor.socket.close();
    });
  });

  describe('blocks cannot be dodged with identify', () => {
    for (const how of ['token', 'userHash'] as const) {
      it(`a blocked verified visitor, from a new address without a visitor token, identifies (${how}): refused, cut off`, async () => {
        const userId = `blocked-${how}`;
        const credentials = async () =>
          how === 'token' ? { token: await signToken({ sub: userId }) } : { userId, userHash: userHash(userId) };
        const first = await chattingVisitor({ localAddress: how === 'token' ? '127.0.0.12' : '127.0.0.14' });
        await ok(identify(first, await credentials()));
        const blocked = await api(server.url, `/api/conversations/${first.conversationId}/block`, {
          token: admin,
          body: { reason: 'abuse' },
        });
        expect(blocked.status).toBe(201);
        const before = (await api(server.url, `/api/conversations/${first.conversationId}/messages`, { token: admin }))
          .body.messages.length;

        // A new address, no visitor token: the handshake cannot know who this is, and lets a new visitor in.
        const dodger = await connectedVisitor(server.url, site.key, {
          localAddress: how === 'token' ? '127.0.0.13' : '127.0.0.15',
        });
        let disconnected = false;
        dodger.socket.on('disconnect', () => {
          disconnected = true;
        });
        const res = await identify(dodger, await credentials());
        expect(res.ok).toBe(false);
        if (!res.ok) expect(res.error.code).toBe('blocked');
        await eventually(() => expect(disconnected).toBe(true));
        await expect(
          emit(dodger.socket, 'message:send', { clientId: 'again', text: 'I am back' }, 1000),
        ).rejects.toThrow();
        // Nothing reached the blocked visitor's conversation, and no conversation of theirs opened.
        const after = (await api(server.url, `/api/conversations/${first.conversationId}/messages`, { token: admin }))
          .body.messages as Message[];
        expect(after.length).toBe(before);
        const open = (await api(server.url, '/api/conversations?status=open&limit=200', { token: admin })).body
          .conversations as { visitorId: string }[];
        expect(open.some((c) => c.visitorId === first.session.visitorId)).toBe(false);
      });
    }
  });

  describe('handshake input', () => {
    it('a site key or visitor token with NUL, a lone surrogate or too many characters: unknown_site, no error log', async () => {
      const errorsBefore = errorLogs(server).length;
      for (const auth of [
        { siteKey: `${site.key}\u0000` },
        { siteKey: '\u0000' },
        { siteKey: `${site.key.slice(0, 4)}\uD800` },
        { siteKey: '\uDC00abc' },
        { siteKey: 'k'.repeat(65) },
        { siteKey: site.key, visitorToken: 'v1.\u0000.x.y' },
        { siteKey: site.key, visitorToken: '\uD83D' },
      ]) {
        expect(await visitorHandshake(server.url, auth), JSON.stringify(auth)).toEqual({
          ok: false,
          code: 'unknown_site',
        });
      }
      // A well-formed pair (an emoji) is no lone surrogate: just an unknown key.
      expect(await visitorHandshake(server.url, { siteKey: '😀' })).toEqual({ ok: false, code: 'unknown_site' });
      for (const token of ['\u0000', 'abc\uD800', 'x'.repeat(500)]) {
        expect(await agentHandshake(server.url, { token })).toEqual({ ok: false, code: 'unauthorized' });
      }
      expect(errorLogs(server).slice(errorsBefore)).toEqual([]);
      // The server still serves a normal visitor.
      const fine = await connectedVisitor(server.url, site.key);
      fine.socket.close();
    });
  });
});
