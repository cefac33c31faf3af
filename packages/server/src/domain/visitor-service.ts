import type {
  Conversation,
  Message,
  PageContext,
  SiteWithSecret,
  VisitorIdentify,
  VisitorSession,
} from '@parley/protocol';
import type { Coordinator } from '../coord/coordinator.js';
import { publicConversation } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { Visitor } from '../store/visitors-repo.js';
import type { ChatService, MessageInput } from './chat-service.js';
import type { EmailLinks } from './email-links.js';
import { refuse } from './errors.js';
import { verifyIdentity } from './identity.js';
import type { ModerationService } from './moderation-service.js';
import type { Notifier, Origin } from './notifier.js';
import type { SiteCache } from './site-cache.js';
import type { VisitorTokens } from './visitor-tokens.js';

/** The visitor fields a connection keeps (a copy, refreshed by update and identify). */
export type ConnectedVisitor = Pick<Visitor, 'id' | 'name' | 'email' | 'userId' | 'verifiedFields'>;

/**
 * Who is on a visitor connection: the site (shared, from the site cache) and the visitor. `resumed`: the
 * conversation a magic link reopened (shown unless the visitor has another open one); `resumeRefused`: the
 * handshake brought a link that was forged, altered, expired or of another site (a normal session instead).
 */
export type VisitorConnection = {
  site: SiteWithSecret;
  visitor: ConnectedVisitor;
  resumed?: string | undefined;
  resumeRefused?: boolean | undefined;
};

/** A magic link's page (`/r/<token>`, tokens: domain/email-links.ts): its token is a key to the conversation. */
const MAGIC_LINK_PATH = /\/r\/m1\.[^/?#]*/g;

type RateLimit = { limit: number; windowMs: number };

const connectedVisitor = ({ id, name, email, userId, verifiedFields }: Visitor): ConnectedVisitor => ({
  id,
  name,
  email,
  userId,
  verifiedFields,
});

/**
 * What a visitor may do, whatever the transport: open a connection (site, origin, token, block checks),
 * send under rate limits, read their conversation, update and verify who they are.
 */
export class VisitorService {
  constructor(
    private readonly store: Store,
    private readonly coord: Coordinator,
    private readonly chat: ChatService,
    private readonly notifier: Notifier,
    private readonly tokens: VisitorTokens,
    private readonly sites: SiteCache,
    private readonly moderation: ModerationService,
    private readonly limits: { visitor: RateLimit; site: RateLimit },
    private readonly links?: EmailLinks,
    /** Queues a transcript email (domain/email/email-notices.ts); absent: transcripts are not offered. */
    private readonly transcripts?: { transcript(conversationId: string): Promise<boolean> },
  ) {}

  /**
   * A visitor connection: the site of `siteKey`, opened from one of its allowed origins (no Origin header:
   * not a browser, allowed), by the visitor of `visitorToken` when it is a genuine token of this site, or a
   * new visitor. A genuine magic link (`resume`) of this site makes it that link's visitor, whatever the
   * token said. Refused `unknown_site`, `origin_not_allowed` or `blocked`.
   */
  async connect(input: {
    siteKey: string;
    visitorToken: string | undefined;
    resume?: string | undefined;
    origin: string | undefined;
    /** The handshake came from a page of this server's own origin. */
    ownOrigin?: boolean | undefined;
    ip: string | null;
  }): Promise<VisitorConnection> {
    const site = await this.sites.byKey(input.siteKey);
    if (!site) throw refuse('unknown_site', 'unknown site key');
    const allowed = input.origin === undefined || site.allowedOrigins.includes(input.origin);
    // Our own origin serves magic links' pages (GET /r/:token), whatever origins the site allows: there a
    // genuine link, or the visitor it made (a reconnection with its token), may connect; nobody new.
    if (!allowed && !input.ownOrigin)
      throw refuse('origin_not_allowed', 'this page may not embed the chat of this site');
    const linked = input.resume === undefined ? null : await this.resumable(input.resume, site.id);
    const knownId = linked ? linked.visitor.id : this.tokens.verify(input.visitorToken, site.id);
    const known = linked?.visitor ?? (knownId ? await this.store.visitors.byId(knownId) : null);
    const own = known && known.siteId === site.id ? known : null;
    if (!allowed && !own) throw refuse('origin_not_allowed', 'this page may not embed the chat of this site');
    if (await this.moderation.isBlocked(site.id, own?.id ?? null, input.ip))
      throw refuse('blocked', 'you cannot use the chat of this site');
    const visitor = own ?? (await this.store.visitors.create(site.id));
    await this.store.blocks.recordAddress(visitor.id, input.ip);
    return {
      site,
      visitor: connectedVisitor(visitor),
      ...(linked ? { resumed: linked.conversationId } : {}),
      ...(input.resume !== undefined && !linked ? { resumeRefused: true } : {}),
    };
  }

  /** The visitor and conversation of a genuine, unexpired magic link of this site; null otherwise. */
  private async resumable(token: string, siteId: string): Promise<{ visitor: Visitor; conversationId: string } | null> {
    const link = this.links?.verify(token);
    if (!link || link.siteId !== siteId) return null;
    const [visitor, conversation] = await Promise.all([
      this.store.visitors.byId(link.visitorId),
      this.store.conversations.byId(link.conversationId),
    ]);
    if (!visitor || visitor.siteId !== siteId || conversation?.visitorId !== visitor.id) return null;
    return { visitor, conversationId: conversation.id };
  }

  /** What the widget needs to show on (re)connection; carries a fresh visitor token. */
  async session({ site, visitor, resumed, resumeRefused }: VisitorConnection): Promise<VisitorSession> {
    return {
      visitorId: visitor.id,
      visitorToken: this.tokens.issue(visitor.id, site.id),
      conversation: await this.currentConversation(visitor.id, resumed),
      ...(resumeRefused ? { resumeRefused: true } : {}),
      name: visitor.name,
      email: visitor.email,
      verified: visitor.userId !== null,
      verifiedFields: visitor.verifiedFields,
    };
  }

  /** A visitor message, under the per-visitor and per-site rate limits. */
  async send({ site, visitor }: VisitorConnection, input: MessageInput, origin?: Origin): Promise<Message> {
    await this.admitMessage(visitor.id, site.id);
    return this.chat.visitorSend({ id: visitor.id, siteId: site.id, name: visitor.name }, input, origin);
  }

  /** Counts one message against the per-visitor and per-site rate limits (widget and emailed replies). */
  async admitMessage(visitorId: string, siteId: string): Promise<void> {
    const hits = await this.coord.increment(`rate:visitor:${visitorId}`, this.limits.visitor.windowMs);
    if (hits > this.limits.visitor.limit)
      throw refuse('rate_limited', 'you are sending messages too fast; wait a few seconds');
    const siteHits = await this.coord.increment(`rate:site:${siteId}`, this.limits.site.windowMs);
    if (siteHits > this.limits.site.limit)
      throw refuse('rate_limited', 'this chat is receiving too many messages right now; wait a few seconds');
  }

  /** Messages after `after` in one of the visitor's conversations (default: the current one). */
  async sync(
    visitorId: string,
    input: { conversationId?: string | undefined; after?: number | undefined },
    resumed?: string,
  ): Promise<{ messages: Message[]; conversation: Conversation | null }> {
    const conversation = input.conversationId
      ? publicConversation(await this.chat.visitorOwned(visitorId, input.conversationId))
      : await this.currentConversation(visitorId, resumed);
    const messages = conversation
      ? await this.store.messages.list(conversation.id, { after: input.after ?? 0, includeInternal: false })
      : [];
    return { messages, conversation };
  }

  rate(visitorId: string, input: { conversationId: string; score: number; comment?: string | undefined }) {
    return this.chat.rate(visitorId, input);
  }

  /**
   * Closes the visitor's conversation; `transcript`: and emails them a copy when they gave an email (asking
   * again, e.g. a retried close, queues no second one).
   */
  async close(visitorId: string, conversationId: string, transcript = false): Promise<Conversation> {
    const conversation = await this.chat.visitorClose(visitorId, conversationId);
    if (transcript) await this.transcripts?.transcript(conversation.id);
    return conversation;
  }

  async typing(visitorId: string, typing: boolean, preview: string | undefined): Promise<void> {
    const conversation = await this.store.conversations.openForVisitor(visitorId);
    if (conversation) this.notifier.visitorTyping(publicConversation(conversation), typing, preview);
  }

  /**
   * The visitor's own word about their name and email. Never overwrites a field the site signed: such a
   * field is left as it is and listed in `ignored`.
   */
  async update(
    current: ConnectedVisitor,
    patch: { name?: string | undefined; email?: string | undefined },
  ): Promise<{ visitor: ConnectedVisitor; ignored: ('name' | 'email')[] }> {
    const updated = await this.store.visitors.update(current.id, patch);
    const visitor = updated ? connectedVisitor(updated) : current;
    const open = await this.store.conversations.openForVisitor(visitor.id);
    if (open) this.notifier.conversationUpdated(publicConversation(open));
    const ignored = (['name', 'email'] as const).filter(
      (field) => patch[field] !== undefined && visitor.verifiedFields.includes(field),
    );
    return { visitor, ignored };
  }

  /** The page the visitor is on; a magic link's token in its address is not kept (agents read this). */
  setContext(visitorId: string, context: PageContext): Promise<void> {
    const redact = (url: string | undefined) => url?.replace(MAGIC_LINK_PATH, '/r/…');
    return this.store.visitors.setContext(visitorId, {
      ...context,
      ...(context.url !== undefined ? { url: redact(context.url) } : {}),
      ...(context.referrer !== undefined ? { referrer: redact(context.referrer) } : {}),
    });
  }

  /**
   * A verified identity from the site. It may turn this connection into another (existing) visitor: a
   * blocked one stays blocked (`blocked`), whatever address or token the connection came with. Returns
   * the visitor the connection now belongs to.
   */
  async identify(
    { site, visitor }: VisitorConnection,
    payload: VisitorIdentify,
    ip: string | null,
  ): Promise<ConnectedVisitor> {
    const identity = await verifyIdentity(payload, site.identitySecret);
    // bindUser changes nothing for an existing owner.
    const owner = await this.store.visitors.bindUser(visitor.id, site.id, identity.userId);
    if (await this.moderation.isBlocked(site.id, owner.id, ip))
      throw refuse('blocked', 'you cannot use the chat of this site');
    await this.store.visitors.verify(owner.id, identity.signed, identity.verifiedFields);
    const updated = (await this.store.visitors.update(owner.id, identity.unsigned)) ?? owner;
    if (updated.id !== visitor.id) await this.store.blocks.recordAddress(updated.id, ip);
    return connectedVisitor(updated);
  }

  /** The open conversation; else the one a magic link reopened (`resumed`); else the latest one. */
  private async currentConversation(visitorId: string, resumed?: string): Promise<Conversation | null> {
    const linked = async () => {
      const conversation = resumed ? await this.store.conversations.byId(resumed) : null;
      return conversation?.visitorId === visitorId ? conversation : null;
    };
    const conversation =
      (await this.store.conversations.openForVisitor(visitorId)) ??
      (await linked()) ??
      (await this.store.conversations.latestForVisitor(visitorId));
    return conversation ? publicConversation(conversation) : null;
  }
}
