import type { Coordinator } from '../../coord/coordinator.js';
import type { Logger } from '../../logger.js';
import type { Assignment } from '../../store/conversations-repo.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { EmailLinks } from '../email-links.js';
import { type Addressing, agentAssignedEmail, transcriptEmail, unseenRepliesEmail } from './email-content.js';

/** Conversations looked at per unseen-replies scan. */
const SCAN_BATCH = 50;

/**
 * Decides which emails exist and puts them in the outbox (store/email-outbox-repo.ts); the worker sends
 * them. Every email has a dedupe key, so asking twice (a retried close, two processes) queues one.
 */
export class EmailNotices {
  constructor(
    private readonly opts: {
      store: Store;
      coord: Coordinator;
      links: EmailLinks;
      /** Known once the server listens (the default public URL has its port). */
      addressing: () => Addressing;
      clock: Clock;
      afterMs: number;
      linkTtlMs: number;
      log: Logger;
      /** Called when an email was queued, so the worker looks at once rather than at its next poll. */
      queued?: () => void;
    },
  ) {}

  /**
   * One scan: each visitor with an email and agent replies unseen for longer than PARLEY_EMAIL_AFTER_MS
   * gets one email with all of them and a magic link (emailed_seq is raised in the same transaction).
   */
  async scanUnseenReplies(): Promise<number> {
    const { store, links, clock, linkTtlMs } = this.opts;
    const addressing = this.opts.addressing();
    const enqueued = await store.emailOutbox.enqueueUnseenReplies(this.opts.afterMs, SCAN_BATCH, (unseen) => {
      const { conversationId, visitorId, siteId } = unseen;
      const token = links.issue({ conversationId, visitorId, siteId }, linkTtlMs);
      return {
        siteId,
        conversationId,
        to: unseen.visitorEmail,
        content: unseenRepliesEmail({
          unseen,
          link: `${addressing.publicUrl}/r/${token}`,
          linkExpiresAt: clock.now() + linkTtlMs,
          replyTo: links.replyAddress(conversationId, addressing.replyDomain),
          addressing,
        }),
      };
    });
    if (enqueued > 0) {
      this.opts.log.info({ emails: enqueued }, 'unseen replies emailed to visitors (queued)');
      this.opts.queued?.();
    }
    return enqueued;
  }

  /** The visitor asked for a transcript on closing: queued when they gave an email; false otherwise. */
  async transcript(conversationId: string): Promise<boolean> {
    const { store, links } = this.opts;
    const addressing = this.opts.addressing();
    const conversation = await store.conversations.byId(conversationId);
    if (!conversation) return false;
    const [visitor, site] = await Promise.all([
      store.visitors.byId(conversation.visitorId),
      store.sites.byId(conversation.siteId),
    ]);
    if (!visitor?.email || !site) return false;
    const messages = await store.messages.list(conversationId, { includeInternal: false });
    const id = await store.emailOutbox.enqueue({
      kind: 'transcript',
      dedupeKey: `transcript:${conversationId}`,
      siteId: site.id,
      conversationId,
      to: visitor.email,
      content: transcriptEmail({
        siteName: site.name,
        siteLocale: site.settings.locale ?? null,
        visitorLocale: visitor.context.locale ?? null,
        messages,
        replyTo: links.replyAddress(conversationId, addressing.replyDomain),
        addressing,
      }),
    });
    if (id) this.opts.queued?.();
    return true;
  }

  /**
   * A conversation was assigned: when its agent is offline (no connection on any process) and wants email
   * notifications, they get one, once per assignment.
   */
  async assigned({ conversationId, agentId }: Assignment): Promise<boolean> {
    const { store, coord } = this.opts;
    const addressing = this.opts.addressing();
    if ((await coord.presence(agentId)).connected) return false;
    const agent = await store.agents.byId(agentId);
    if (!agent?.active || agent.emailNotifications === false) return false;
    const conversation = await store.conversations.byId(conversationId);
    if (!conversation || conversation.agentId !== agentId) return false;
    const current = (await store.conversations.assignments(conversationId)).findLast(
      (a) => a.agentId === agentId && a.endedAt === null,
    );
    if (!current) return false;
    const [site, messages] = await Promise.all([
      store.sites.byId(conversation.siteId),
      store.messages.list(conversationId, { includeInternal: false, limit: 50 }),
    ]);
    const first = messages.find((m) => m.author === 'visitor');
    const id = await store.emailOutbox.enqueue({
      kind: 'agent_assigned',
      dedupeKey: `assigned:${conversationId}:${agentId}:${Date.parse(current.assignedAt)}`,
      siteId: conversation.siteId,
      conversationId,
      to: agent.email,
      content: agentAssignedEmail({
        agentName: agent.name,
        siteName: site?.name ?? 'your site',
        visitorName: conversation.visitorName ?? null,
        firstMessage: first ? first.text || first.attachments.map((a) => a.name).join(', ') : null,
        consoleUrl: `${addressing.publicUrl}/console/inbox/${encodeURIComponent(conversationId)}`,
        addressing,
      }),
    });
    if (id) {
      this.opts.log.info({ conversationId, agentId }, 'offline agent notified of an assignment (queued)');
      this.opts.queued?.();
    }
    return id !== null;
  }
}
