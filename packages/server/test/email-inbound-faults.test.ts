import type { Message } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { api, defaultSiteKey, eventually, login } from './helpers/clients.js';
import {
  inboundSmtpPort,
  onlineAgent,
  REPLY_DOMAIN,
  seedEmailLinks,
  smtpOutcome,
  visitorChattingWith,
} from './helpers/inbound-email.js';
import { removeDir, startServer } from './helpers/server.js';
import { throwawayPostgres } from './helpers/throwaway-postgres.js';

/** While the store is down a reply is deferred (451 / 503), never lost: the sender's retry lands it. */

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const WEBHOOK_SECRET = 'inbound-webhook-secret-0123456789';

describe('inbound email during a PostgreSQL outage', () => {
  it('answers 451 over SMTP and 503 on the webhook, then takes the retried reply once', async (ctx) => {
    const pg = await throwawayPostgres();
    if (!pg) {
      if (process.env.CI === 'true') throw new Error('this test needs root and PostgreSQL binaries');
      console.warn('  !! no PostgreSQL binaries or not root: skipping the inbound email outage test');
      return ctx.skip();
    }
    cleanups.push(() => pg.destroy());
    const links = await seedEmailLinks({ databaseUrl: pg.url });
    const server = await startServer({
      env: {
        DATABASE_URL: pg.url,
        PARLEY_SMTP_INBOUND_PORT: '0',
        PARLEY_INBOUND_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PARLEY_EMAIL_REPLY_DOMAIN: REPLY_DOMAIN,
      },
    });
    cleanups.push(() => removeDir(server.dataDir));
    cleanups.push(() => server.stop('SIGKILL'));
    const port = inboundSmtpPort(server);
    const admin = await login(server.url);
    const siteKey = await defaultSiteKey(server.url, admin);
    const agent = await onlineAgent(server.url, admin);
    cleanups.push(() => agent.socket.disconnect());
    const { visitor, conversationId } = await visitorChattingWith(server.url, siteKey, agent);
    cleanups.push(() => visitor.socket.disconnect());
    const replyTo = links.replyAddress(conversationId, REPLY_DOMAIN);
    const mail = {
      from: 'ann@example.com',
      to: replyTo,
      messageId: '<outage@mail.example>',
      text: 'Sent during the outage',
    };
    const fields = {
      messageId: '<outage-hook@mail.example>',
      from: 'ann@example.com',
      to: [replyTo],
      text: 'Posted during the outage',
    };
    const hook = () =>
      api(server.url, '/api/email/inbound', { body: fields, headers: { authorization: `Bearer ${WEBHOOK_SECRET}` } });

    pg.stop('immediate');
    await eventually(async () => expect((await api(server.url, '/readyz')).status).toBe(503), 10_000);
    expect(await smtpOutcome(port, mail)).toBe('refused 451');
    const during = await hook();
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('unavailable');
    // A forged address is still refused for good: that check needs no store.
    expect(await smtpOutcome(port, { ...mail, to: `reply+${conversationId}.${'0'.repeat(20)}@${REPLY_DOMAIN}` })).toBe(
      'refused 550',
    );

    pg.start();
    await eventually(async () => expect((await api(server.url, '/readyz')).status).toBe(200), 20_000, 200);
    // The sending server and the provider retry: both land, once.
    await eventually(async () => expect(await smtpOutcome(port, mail)).toContain('(appended)'), 10_000, 200);
    expect((await hook()).body).toEqual({ status: 'appended' });
    await eventually(() => {
      const texts = agent.messages.map((m) => m.text);
      expect(texts.filter((t) => t === 'Sent during the outage')).toHaveLength(1);
      expect(texts.filter((t) => t === 'Posted during the outage')).toHaveLength(1);
    });
    // Replies count against the visitor's message rate like widget messages (default 20 per 10 s).
    const flood = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api(server.url, '/api/email/inbound', {
          body: { ...fields, messageId: `<flood-${i}@mail.example>`, text: `flood ${i}` },
          headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
        }),
      ),
    );
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    const appended = flood.filter((r) => r.status === 202 && r.body.status === 'appended').length;
    expect(appended + limited.length).toBe(25);
    const stored = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    expect(stored.body.messages.filter((m: Message) => m.text.startsWith('flood '))).toHaveLength(appended);
    // The process never crashed.
    expect(server.proc.exitCode).toBeNull();
  });
});
