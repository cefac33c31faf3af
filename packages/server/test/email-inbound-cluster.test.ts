import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailLinks } from '../src/domain/email-links.js';
import { type AgentClient, api, defaultSiteKey, emit, eventually, login, ok, type Visitor } from './helpers/clients.js';
import {
  type Cluster,
  createTestDatabase,
  deletePrefix,
  REDIS_URL,
  services,
  startCluster,
  testPrefix,
} from './helpers/cluster.js';
import {
  inboundSmtpPort,
  onlineAgent,
  REPLY_DOMAIN,
  seedEmailLinks,
  smtpOutcome,
  visitorChattingWith,
} from './helpers/inbound-email.js';
import { removeDir } from './helpers/server.js';

/**
 * Two Parley processes on one PostgreSQL and one Redis, each with its inbound SMTP listener: the same
 * email delivered to both (as an MX with two hosts and a retrying sender would) is one message.
 */

const available = await services({ redis: true, postgres: true });

describe.runIf(available.run)('inbound email across two processes', () => {
  let cluster: Cluster;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = testPrefix();
  let links: EmailLinks;
  let agent: AgentClient;
  let visitor: Visitor;
  let conversationId: string;

  beforeAll(async () => {
    available.assert();
    database = await createTestDatabase();
    links = await seedEmailLinks({ databaseUrl: database.url });
    cluster = await startCluster({
      n: 2,
      databaseUrl: database.url,
      redisUrl: REDIS_URL,
      prefix,
      env: { PARLEY_SMTP_INBOUND_PORT: '0', PARLEY_EMAIL_REPLY_DOMAIN: REPLY_DOMAIN },
    });
  });

  afterAll(async () => {
    visitor?.socket.disconnect();
    agent?.socket.disconnect();
    await cluster?.stop();
    for (const node of cluster?.nodes ?? []) removeDir(node.dataDir);
    await database?.drop();
    await deletePrefix(REDIS_URL, prefix);
  });

  it('the same Message-ID delivered 15 times to each process is one message, seen once', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const admin = await login(a.url);
    const siteKey = await defaultSiteKey(a.url, admin);
    agent = await onlineAgent(b.url, admin, 5, a.url);
    ({ visitor, conversationId } = await visitorChattingWith(a.url, siteKey, agent, 'ann@example.com'));

    const mail = {
      from: 'Ann <ann@example.com>',
      to: links.replyAddress(conversationId, REPLY_DOMAIN),
      subject: 'Re: your chat',
      messageId: '<two-processes@mail.example>',
      text: 'Same reply, two hosts',
    };
    const ports = [inboundSmtpPort(a), inboundSmtpPort(b)];
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => smtpOutcome(ports[i % 2]!, mail).then((r) => /\((\w+)\)/.exec(r)?.[1] ?? r)),
    );
    expect(outcomes.filter((o) => o === 'appended')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(29);

    // A later message from the widget on the other process arrives after it: by then any copy would have.
    await ok(emit(visitor.socket, 'message:send', { clientId: 'after', text: 'after the email' }));
    await eventually(() => expect(agent.messages.map((m) => m.text)).toContain('after the email'));
    expect(agent.messages.filter((m) => m.text === 'Same reply, two hosts')).toHaveLength(1);
    const stored = await api(b.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    expect(stored.body.messages.filter((m: Message) => m.text === 'Same reply, two hosts')).toHaveLength(1);
  });

  it('without PARLEY_INBOUND_WEBHOOK_SECRET the webhook does not exist (404)', async () => {
    for (const node of cluster.nodes) {
      const res = await api(node.url, '/api/email/inbound', {
        body: { raw: 'From: a@b\r\n\r\nhi' },
        headers: { authorization: 'Bearer anything-at-all-0123456789' },
      });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});
