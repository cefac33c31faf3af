import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCoordinator } from '../src/coord/memory-coordinator.js';
import { ChatService } from '../src/domain/chat-service.js';
import { systemClock } from '../src/domain/clock.js';
import { EmailNotices } from '../src/domain/email/email-notices.js';
import { EmailWorker } from '../src/domain/email/email-worker.js';
import { smtpMailer } from '../src/domain/email/mailer.js';
import { EmailLinks } from '../src/domain/email-links.js';
import type { Notifier } from '../src/domain/notifier.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { migrate } from '../src/store/migrations.js';
import { createStore, type Store } from '../src/store/store.js';
import { eventually } from './helpers/clients.js';
import { mailTo } from './helpers/email-chat.js';
import { requirePostgres } from './helpers/postgres.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp-capture.js';
import { pgliteBackend, postgresBackend } from './helpers/store-backends.js';

/**
 * An agent who is offline when a chat is assigned to them gets one email (unless they opted out in their
 * profile); an agent who is there gets none. Today routing, accept and transfer only assign to connected
 * agents, so an agent is offline at assignment only when their last console closes while the chat is being
 * handed to them: this suite runs the real ChatService, store, coordinator, outbox worker and SMTP, and
 * closes the agent's connection exactly then (from the notifier, which the socket layer implements).
 */

const hasPostgres = await requirePostgres();
const backends = [pgliteBackend, ...(hasPostgres ? [postgresBackend(10)] : [])];

describe.each(backends)('email to an offline agent on assignment ($name)', { timeout: 60_000 }, (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let smtp: SmtpCapture;
  let worker: EmailWorker;
  let chat: ChatService;
  let notices: EmailNotices;
  let siteId: string;
  const coord = new MemoryCoordinator();
  /** Agents whose console closes at the moment a chat is assigned to them. */
  const leaving = new Set<string>();

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrate(opened.db);
    store = createStore(opened.db);
    siteId = (await store.sites.create({ name: 'Shop <&>', allowedOrigins: [] })).id;
    smtp = await startSmtpCapture();
    const log = createLogger('silent');
    const quiet = () => {};
    const notifier: Notifier = {
      messageCreated: quiet,
      conversationUpdated: quiet,
      presenceChanged: quiet,
      visitorTyping: quiet,
      agentTyping: quiet,
      conversationAssigned(conversation) {
        if (conversation.agentId && leaving.has(conversation.agentId))
          void coord.agentDisconnected(conversation.agentId, 'console');
      },
    };
    const metrics = createMetrics(
      async () => 0,
      () => ({ visitor: 0, agent: 0 }),
    );
    chat = new ChatService(store, coord, notifier, metrics, log);
    notices = new EmailNotices({
      store,
      coord,
      links: new EmailLinks('test-secret'),
      clock: systemClock,
      addressing: () => ({
        publicUrl: 'https://chat.example.test',
        replyDomain: 'mail.example.test',
        from: 'Support <help@example.test>',
      }),
      afterMs: 60_000,
      linkTtlMs: 3_600_000,
      log,
      queued: () => void worker.kick(),
    });
    chat.onAssignment((assignment) => notices.assigned(assignment));
    worker = new EmailWorker({ store, notices, mailer: smtpMailer(smtp.url), pollMs: 100, retryBaseMs: 100, log });
    worker.start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await chat?.router.stop();
    await smtp?.stop();
    await cleanup?.();
  });

  const newAgent = async (name: string, emailNotifications = true) => {
    const agent = await store.agents.create({
      email: `${name.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`,
      name,
      role: 'agent',
      passwordHash: 'x',
      maxChats: 10,
    });
    if (!emailNotifications) await store.agents.update(agent.id, { emailNotifications: false });
    await coord.agentConnected(agent.id, 'console');
    await coord.setAgentStatus(agent.id, 'online');
    return agent;
  };
  /** A visitor writes; routing gives the chat to the one online agent. */
  const visitorWrites = async (text: string) => {
    const visitor = await store.visitors.create(siteId);
    await store.visitors.update(visitor.id, { name: 'Zoé <b>' });
    const message = await chat.visitorSend(
      { id: visitor.id, siteId, name: 'Zoé <b>' },
      { clientId: `c-${Math.random()}`, text },
    );
    await chat.router.request();
    return message.conversationId;
  };
  const alone = async (agentId: string, run: () => Promise<void>) => {
    try {
      await run();
    } finally {
      await coord.agentDisconnected(agentId, 'console');
    }
  };

  it('emails the agent whose console closed as the chat was assigned, once, with the first message', async () => {
    const agent = await newAgent('Bea');
    leaving.add(agent.id);
    await alone(agent.id, async () => {
      const conversationId = await visitorWrites('My <order> #42 never arrived');
      expect((await store.conversations.byId(conversationId))?.agentId).toBe(agent.id);
      const mail = await smtp.waitFor(mailTo(agent.email));
      expect(mail.subject).toBe('New chat assigned to you on Shop <&>');
      expect(mail.from).toEqual(['help@example.test']);
      expect(mail.headers['auto-submitted']).toBe('auto-generated');
      expect(mail.text).toContain('Zoé <b> wrote:\nMy <order> #42 never arrived');
      expect(mail.text).toContain(`https://chat.example.test/console/inbox/${conversationId}`);
      expect(mail.html).toContain('My &lt;order&gt; #42 never arrived');
      expect(mail.html).not.toContain('<b> wrote');
      // The same assignment notified again (thirty times at once) queues nothing more.
      const again = await Promise.all(
        Array.from({ length: 30 }, () => notices.assigned({ conversationId, agentId: agent.id })),
      );
      expect(again).toEqual(Array(30).fill(false));
      await eventually(async () => {
        const rows = await store.emailOutbox.list({ conversationId, kind: 'agent_assigned' });
        expect(rows.map((r) => r.status)).toEqual(['sent']);
      });
      expect(smtp.matching(mailTo(agent.email))).toHaveLength(1);
    });
  });

  it('sends nothing to an agent who is there, nor to one who opted out', async () => {
    const present = await newAgent('Cy');
    let presentConversation = '';
    await alone(present.id, async () => {
      presentConversation = await visitorWrites('Hello there');
      expect((await store.conversations.byId(presentConversation))?.agentId).toBe(present.id);
    });
    const optedOut = await newAgent('Dee', false);
    leaving.add(optedOut.id);
    let optedOutConversation = '';
    await alone(optedOut.id, async () => {
      optedOutConversation = await visitorWrites('Anyone?');
      expect((await store.conversations.byId(optedOutConversation))?.agentId).toBe(optedOut.id);
    });
    // A control: an agent with notifications on, offline the same way, gets theirs after both.
    const control = await newAgent('Eve');
    leaving.add(control.id);
    await alone(control.id, async () => {
      await visitorWrites('Control');
      await smtp.waitFor(mailTo(control.email));
    });
    expect(smtp.matching(mailTo(present.email))).toEqual([]);
    expect(smtp.matching(mailTo(optedOut.email))).toEqual([]);
    expect(await store.emailOutbox.list({ conversationId: presentConversation })).toEqual([]);
    expect(await store.emailOutbox.list({ conversationId: optedOutConversation })).toEqual([]);
  });
});
