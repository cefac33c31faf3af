import { LIMITS } from '@parley/protocol/entities';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/store.js';
import type { ChatService } from '../chat-service.js';
import type { EmailLinks } from '../email-links.js';
import type { ModerationService } from '../moderation-service.js';
import type { VisitorService } from '../visitor-service.js';
import { automaticReason, type InboundMail, type MailAttachment, mailClientId } from './inbound-mail.js';
import { replyText } from './reply-text.js';

/** What became of an incoming email: a new visitor message, a repeat of one, or nothing (and why: logged). */
export type InboundResult = 'appended' | 'duplicate' | 'ignored';

/** Parley's own addresses: its reply domain and its From address (mail from them is never taken in). */
export type OwnAddresses = () => { domain: string; address: string };

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** At most `max` UTF-16 units, never cutting a surrogate pair; free of what the store cannot hold. */
function storable(text: string, max: number): string {
  let cut = text.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD');
  if (cut.length > max) {
    cut = cut.slice(0, max);
    if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  }
  return cut.trim();
}

/**
 * The text a reply becomes in the chat: the visitor's words (quotes and signature removed), and a line
 * naming the attached files that were not kept.
 */
export function chatText(mail: InboundMail, notKept: string[] = []): string {
  const words = replyText(mail.text);
  const note = notKept.length ? storable(`[Attached to the email, not kept: ${notKept.join(', ')}]`, 500) : '';
  return storable(words, LIMITS.textMax - (note ? note.length + 2 : 0)) + (note && words ? '\n\n' : '') + note;
}

/** Keeps an emailed reply's files as the visitor's uploads (email/reply-attachments.ts). */
export type AttachmentKeeper = {
  keep(files: MailAttachment[], visitor: { id: string; siteId: string }): Promise<{ ids: string[]; notKept: string[] }>;
};

/**
 * Replies to Parley's emails, taken into their conversation as the visitor's messages, exactly once:
 * the signed reply address names the conversation, the Message-ID is the message's idempotency key, and
 * the chat's own visitor path (the visitor's rate limits, then ChatService.visitorAppend) stores, routes
 * and announces it like a message from the widget. A conversation closed since then: the reply opens a
 * new one for the same visitor, as a widget message after a close does. The sender (From) is not
 * checked: the signed address is the credential (docs/email.md, "Who sent it").
 */
export class InboundEmailService {
  constructor(
    private readonly store: Store,
    private readonly chat: ChatService,
    private readonly visitors: Pick<VisitorService, 'admitMessage'>,
    private readonly moderation: ModerationService,
    private readonly links: EmailLinks,
    private readonly own: OwnAddresses,
    private readonly files: AttachmentKeeper,
    private readonly log: Logger,
  ) {}

  /** Whether an address is a genuine reply address (the SMTP listener refuses others at RCPT TO). */
  isReplyAddress(address: string): boolean {
    return this.conversationOf(address) !== null;
  }

  /**
   * The conversation of a reply address. Conversation ids are lower-case UUIDs, so an address whose case
   * a mail system changed is read in lower case: still the genuine address, as its signature then shows.
   */
  private conversationOf(address: string): string | null {
    return this.links.conversationOf(address.toLowerCase());
  }

  async receive(mail: InboundMail, via: 'smtp' | 'webhook'): Promise<InboundResult> {
    const conversationId = mail.recipients.map((r) => this.conversationOf(r)).find((id) => id !== null);
    const ignore = (reason: string) => {
      this.log.info({ via, conversationId, reason }, 'inbound email ignored');
      return 'ignored' as const;
    };
    if (!conversationId) return ignore('no reply address among the recipients');
    const automatic = automaticReason(mail, this.own());
    if (automatic) return ignore(automatic);
    if (!replyText(mail.text) && mail.attachments.length === 0)
      return ignore('empty after removing quotes and signature');
    const conversation = await this.store.conversations.byId(conversationId);
    if (!conversation) return ignore('the conversation no longer exists');
    const visitor = await this.store.visitors.byId(conversation.visitorId);
    if (!visitor) return ignore('the visitor no longer exists');
    if (await this.moderation.isBlocked(conversation.siteId, visitor.id, null)) return ignore('visitor blocked');
    const clientId = mailClientId(mail);
    // A repeat is answered before the rate limits count it (a retrying sender is not a flood).
    if (await this.store.messages.visitorRepeat(visitor.id, clientId)) return 'duplicate';
    await this.visitors.admitMessage(visitor.id, conversation.siteId);
    const files = await this.files.keep(mail.attachments, { id: visitor.id, siteId: conversation.siteId });
    const { message, created } = await this.chat.visitorAppend(
      { id: visitor.id, siteId: conversation.siteId, name: visitor.name },
      { clientId, text: chatText(mail, files.notKept), attachments: files.ids },
    );
    this.log.info(
      { via, conversationId: message.conversationId, messageId: message.id, created },
      created ? 'inbound email appended' : 'inbound email was a duplicate',
    );
    return created ? 'appended' : 'duplicate';
  }
}
