import type { Agent, Conversation, VisitorBlock } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import type { Logger } from '../logger.js';
import { publicConversation } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { ChatService } from './chat-service.js';
import { refuse } from './errors.js';

/**
 * Moderation: an agent blocks the visitor of a conversation. The block covers the visitor id and the
 * address they last connected from, on that conversation's site only. The conversation is closed (with
 * a system message), the visitor's sockets are disconnected on every process, and later handshakes
 * from that visitor token or address are refused with `blocked` until a supervisor lifts the block.
 */
export class ModerationService {
  constructor(
    private readonly store: Store,
    private readonly chat: ChatService,
    /** Disconnects every socket of a visitor (through the adapter: on every process). */
    private readonly disconnectVisitor: (visitorId: string) => void,
    private readonly log: Logger,
  ) {}

  async blockFromConversation(
    agent: Agent,
    conversationId: string,
    reason: string | undefined,
  ): Promise<{ block: VisitorBlock; conversation: Conversation }> {
    const conversation = await this.chat.conversation(conversationId);
    if (conversation.agentId !== agent.id && !isSupervisor(agent))
      throw refuse('forbidden', 'only the assigned agent or a supervisor can block this visitor');
    const ip = await this.store.blocks.addressOf(conversation.visitorId);
    const block = await this.store.blocks.create({
      siteId: conversation.siteId,
      visitorId: conversation.visitorId,
      ip,
      reason: reason || null,
      conversationId: conversation.id,
      createdBy: agent.id,
    });
    // The team sees why; the visitor only sees the conversation end.
    await this.chat.agentSend(agent, {
      conversationId: conversation.id,
      clientId: `block-${block.id}`,
      text: `Blocked this visitor${reason ? `: ${reason}` : ''}`,
      internal: true,
    });
    const closed =
      conversation.status === 'closed'
        ? publicConversation(conversation)
        : await this.chat.agentClose(agent, conversation.id);
    this.disconnectVisitor(conversation.visitorId);
    this.log.info(
      { blockId: block.id, siteId: block.siteId, conversationId: conversation.id, agentId: agent.id },
      'visitor blocked',
    );
    return { block: (await this.store.blocks.byId(block.id)) ?? block, conversation: closed };
  }

  list(): Promise<VisitorBlock[]> {
    return this.store.blocks.list();
  }

  async unblock(agent: Agent, id: string): Promise<void> {
    if (!(await this.store.blocks.remove(id))) throw refuse('not_found', 'no such block');
    this.log.info({ blockId: id, agentId: agent.id }, 'visitor unblocked');
  }

  /** Checked on every visitor handshake. */
  isBlocked(siteId: string, visitorId: string | null, ip: string | null): Promise<boolean> {
    return this.store.blocks.isBlocked(siteId, visitorId, ip);
  }
}
