import type { Agent, Conversation, Message } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import type { Coordinator } from '../coord/coordinator.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Assignment } from '../store/conversations-repo.js';
import type { NewMessage } from '../store/messages-repo.js';
import { type ConversationRecord, publicConversation } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { refuse } from './errors.js';
import type { Notifier, Origin } from './notifier.js';
import { Router } from './router.js';

/** Told of every assignment after it is announced (e.g. email to an offline agent); never blocks chat. */
export type AssignmentListener = (assignment: Assignment) => Promise<unknown>;

export type VisitorRef = { id: string; siteId: string; name: string | null };

/** What a sender gives: text (may be empty only with attachments) and attachment ids from `POST /api/uploads`. */
export type MessageInput = { clientId: string; text?: string | undefined; attachments?: string[] | undefined };

const visitorUploader = (visitor: VisitorRef) => ({ kind: 'visitor' as const, id: visitor.id });
const unusableAttachments = () =>
  refuse('invalid_payload', 'attachments: only your own uploads, not sent before, can be attached');

/**
 * Conversations and messages: every state change goes through here, is committed in the store, and
 * only then announced through the notifier (and acknowledged to the sender by the caller).
 */
export class ChatService {
  readonly router: Router;
  private readonly assignmentListeners: AssignmentListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly coord: Coordinator,
    private readonly notifier: Notifier,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.router = new Router(store, coord, (a) => this.announceAssignment(a), log);
  }

  onAssignment(listener: AssignmentListener): void {
    this.assignmentListeners.push(listener);
  }

  async conversation(id: string): Promise<ConversationRecord> {
    const conversation = await this.store.conversations.byId(id);
    if (!conversation) throw refuse('not_found', 'no such conversation');
    return conversation;
  }

  async publicConversation(id: string): Promise<Conversation> {
    return publicConversation(await this.conversation(id));
  }

  /** Every message of a conversation, internal notes included: what agents see. */
  messagesForAgents(conversationId: string): Promise<Message[]> {
    return this.store.messages.list(conversationId, { includeInternal: true });
  }

  // ---- visitors ----

  async visitorSend(visitor: VisitorRef, input: MessageInput, origin?: Origin): Promise<Message> {
    return (await this.visitorAppend(visitor, input, origin)).message;
  }

  /** visitorSend, telling whether the message is new (`created`) or a repeat of its clientId. */
  async visitorAppend(
    visitor: VisitorRef,
    input: MessageInput,
    origin?: Origin,
  ): Promise<{ message: Message; created: boolean }> {
    const message = (conversationId: string): NewMessage => ({
      conversationId,
      clientId: input.clientId,
      author: 'visitor',
      authorId: visitor.id,
      authorName: visitor.name,
      text: input.text ?? '',
      internal: false,
      requireOpen: true,
      visitorId: visitor.id,
      attachmentIds: input.attachments,
    });
    // Fast path: the visitor's open conversation is known; one statement stores (or finds) the message.
    const known = this.openConversations.get(visitor.id);
    if (known) {
      const stored = await this.appendOnce(message(known), origin);
      if (stored) return stored;
      this.openConversations.delete(visitor.id);
    }
    // Slow path: no open conversation known here (a first message, a restart, another process). A repeated
    // clientId must create nothing — no conversation opened, nothing queued or routed — so look it up
    // before opening one. (The append would find it too, but only after the new conversation existed.)
    const earlier = await this.store.messages.visitorRepeat(visitor.id, input.clientId);
    if (earlier) return { message: earlier, created: false };
    // Nor may attachments that cannot be sent open one.
    if (
      input.attachments?.length &&
      !(await this.store.attachments.usable(input.attachments, visitorUploader(visitor)))
    )
      throw unusableAttachments();
    const { conversation, created } = await this.store.conversations.openOrCreate(visitor.siteId, visitor.id);
    this.rememberOpen(visitor.id, conversation.id);
    const stored = await this.appendOnce(message(conversation.id), origin);
    if (!stored) throw refuse('conflict', 'the conversation closed while sending; please retry');
    if (created) {
      this.log.info({ conversationId: conversation.id, siteId: visitor.siteId }, 'conversation queued');
      this.notifier.conversationUpdated(publicConversation(await this.conversation(conversation.id)));
      void this.router.request();
    }
    return stored;
  }

  /** visitorId → open conversation id: a hint only (the append re-checks), bounded in size. */
  private readonly openConversations = new Map<string, string>();

  private rememberOpen(visitorId: string, conversationId: string) {
    if (this.openConversations.size >= 50_000)
      this.openConversations.delete(this.openConversations.keys().next().value!);
    this.openConversations.set(visitorId, conversationId);
  }

  async visitorOwned(visitorId: string, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.store.conversations.byId(conversationId);
    // Someone else's conversation is indistinguishable from a missing one.
    if (!conversation || conversation.visitorId !== visitorId) throw refuse('not_found', 'no such conversation');
    return conversation;
  }

  async visitorClose(visitorId: string, conversationId: string): Promise<Conversation> {
    const conversation = await this.visitorOwned(visitorId, conversationId);
    return this.close(conversation, 'The visitor ended the chat', null);
  }

  async rate(visitorId: string, input: { conversationId: string; score: number; comment?: string | undefined }) {
    const conversation = await this.visitorOwned(visitorId, input.conversationId);
    if (conversation.status !== 'closed') throw refuse('conflict', 'a conversation can be rated once it is closed');
    await this.store.conversations.rate(conversation.id, input.score, input.comment || null);
    const updated = publicConversation(await this.conversation(conversation.id));
    this.notifier.conversationUpdated(updated);
    return updated;
  }

  // ---- agents ----

  /** Agents may read every conversation (shared context for the team); writing needs the assignment. */
  async agentSend(
    agent: Agent,
    input: MessageInput & { conversationId: string; internal?: boolean | undefined },
    origin?: Origin,
  ): Promise<Message> {
    const internal = input.internal ?? false;
    // One statement: the append itself checks that the conversation takes the reply (open, and assigned
    // to this agent unless a supervisor writes). Only a refused reply looks the conversation up, to say why.
    const stored = await this.append(
      {
        conversationId: input.conversationId,
        clientId: input.clientId,
        author: 'agent',
        authorId: agent.id,
        authorName: agent.name,
        text: input.text ?? '',
        internal,
        attachmentIds: input.attachments,
        requireOpen: !internal,
        requireAgentId: internal || isSupervisor(agent) ? null : agent.id,
      },
      origin,
    );
    if (stored) return stored;
    const conversation = await this.conversation(input.conversationId);
    if (conversation.status === 'closed' && !internal)
      throw refuse('conversation_closed', 'this conversation is closed');
    if (!internal && conversation.agentId !== agent.id && !isSupervisor(agent))
      throw refuse('not_assigned', 'accept the conversation before replying');
    throw refuse('conflict', 'the conversation changed meanwhile; please retry');
  }

  /** Tells the visitor the agent is typing; only the conversation's own agent, while it is open. */
  async agentTyping(agent: Agent, conversationId: string, typing: boolean): Promise<void> {
    const conversation = await this.conversation(conversationId);
    if (conversation.agentId === agent.id && conversation.status !== 'closed')
      this.notifier.agentTyping(publicConversation(conversation), typing, agent.name);
  }

  async accept(agent: Agent, conversationId: string): Promise<Conversation> {
    const result = await this.store.conversations.assignTo(conversationId, agent.id, { status: 'queued' });
    this.assertAssigned(result);
    await this.announceAssignment({ conversationId, agentId: agent.id });
    return publicConversation(await this.conversation(conversationId));
  }

  async transfer(
    agent: Agent,
    input: { conversationId: string; toAgentId?: string | undefined; note?: string | undefined },
  ): Promise<Conversation> {
    const conversation = await this.conversation(input.conversationId);
    if (conversation.status !== 'assigned')
      throw refuse('conflict', 'only an assigned conversation can be transferred');
    if (conversation.agentId !== agent.id && !isSupervisor(agent))
      throw refuse('not_assigned', 'only the assigned agent or a supervisor can transfer');
    const note = input.note ? `: ${input.note}` : '';
    if (input.toAgentId) {
      if (input.toAgentId === conversation.agentId) throw refuse('conflict', 'the conversation is already theirs');
      const target = await this.store.agents.byId(input.toAgentId);
      if (!target?.active) throw refuse('not_found', 'no such agent');
      const presence = await this.coord.presence(target.id);
      if (!presence.connected) throw refuse('agent_unavailable', `${target.name} is offline`);
      const result = await this.store.conversations.assignTo(conversation.id, target.id, {
        status: 'assigned',
        agentId: conversation.agentId,
      });
      this.assertAssigned(result);
      await this.system(conversation.id, `Transferred by ${agent.name} to ${target.name}${note}`, true);
      await this.announceAssignment({ conversationId: conversation.id, agentId: target.id });
    } else {
      if (!(await this.store.conversations.requeue(conversation.id, conversation.agentId)))
        throw refuse('conflict', 'the conversation changed meanwhile');
      await this.system(conversation.id, `Transferred by ${agent.name} to the queue${note}`, true);
      await this.system(conversation.id, 'You are being connected to another agent. Thanks for your patience.', false);
      this.notifier.conversationUpdated(publicConversation(await this.conversation(conversation.id)));
    }
    void this.router.request();
    return publicConversation(await this.conversation(conversation.id));
  }

  async agentClose(agent: Agent, conversationId: string): Promise<Conversation> {
    const conversation = await this.conversation(conversationId);
    if (conversation.status === 'assigned' && conversation.agentId !== agent.id && !isSupervisor(agent))
      throw refuse('not_assigned', 'only the assigned agent or a supervisor can close this conversation');
    return this.close(conversation, `${agent.name} closed the conversation`, agent);
  }

  /** Requeues every open conversation of an agent who has been gone longer than the grace period. */
  async requeueAgent(agentId: string, reason: string): Promise<number> {
    let moved = 0;
    for (const conversationId of await this.store.conversations.openIdsForAgent(agentId)) {
      if (!(await this.store.conversations.requeue(conversationId, agentId))) continue;
      moved++;
      await this.system(conversationId, `Requeued: ${reason}`, true);
      await this.system(conversationId, 'You are being connected to another agent. Thanks for your patience.', false);
      this.notifier.conversationUpdated(publicConversation(await this.conversation(conversationId)));
    }
    if (moved > 0) {
      this.log.info({ agentId, conversations: moved }, 'conversations requeued');
      void this.router.request();
    }
    return moved;
  }

  // ---- shared steps ----

  private assertAssigned(result: 'ok' | 'not_found' | 'conflict' | 'at_capacity') {
    if (result === 'not_found') throw refuse('not_found', 'no such conversation');
    if (result === 'conflict') throw refuse('conflict', 'the conversation is no longer in that state');
    if (result === 'at_capacity') throw refuse('agent_unavailable', 'that agent has no free capacity');
  }

  private async close(conversation: ConversationRecord, text: string, by: Agent | null): Promise<Conversation> {
    if (await this.store.conversations.close(conversation.id)) {
      await this.system(conversation.id, text, false);
      const updated = publicConversation(await this.conversation(conversation.id));
      this.notifier.conversationUpdated(updated);
      this.log.info({ conversationId: conversation.id, by: by?.id ?? 'visitor' }, 'conversation closed');
      void this.router.request();
      return updated;
    }
    return publicConversation(await this.conversation(conversation.id));
  }

  private async announceAssignment(assignment: Assignment): Promise<void> {
    const agent = await this.store.agents.byId(assignment.agentId);
    await this.system(assignment.conversationId, `${agent?.name ?? 'An agent'} joined the conversation`, false);
    const conversation = publicConversation(await this.conversation(assignment.conversationId));
    this.notifier.conversationAssigned(conversation);
    this.notifier.conversationUpdated(conversation);
    for (const listener of this.assignmentListeners)
      listener(assignment).catch((error: unknown) =>
        this.log.warn({ err: error, conversationId: assignment.conversationId }, 'assignment listener failed'),
      );
  }

  private async system(conversationId: string, text: string, internal: boolean): Promise<void> {
    await this.append({
      conversationId,
      clientId: null,
      author: 'system',
      authorId: null,
      authorName: null,
      text,
      internal,
    });
  }

  /**
   * Stores a message and, when it is new, announces it. Null when the conversation refused it. A message
   * with attachments takes its own transaction; text alone goes through the group-committed append.
   */
  private async append(input: NewMessage, origin?: Origin): Promise<Message | null> {
    return (await this.appendOnce(input, origin))?.message ?? null;
  }

  /** append, telling whether the message is new or a repeat of its clientId. */
  private async appendOnce(input: NewMessage, origin?: Origin): Promise<{ message: Message; created: boolean } | null> {
    const result = input.attachmentIds?.length
      ? await this.store.messages.appendWithAttachments(input)
      : await this.store.messages.append(input);
    if (result === 'unbound') throw unusableAttachments();
    if (!result) return null;
    if (result.created && result.audience) {
      this.metrics.messages.inc({ author: input.author });
      this.notifier.messageCreated(result.message, result.audience, origin);
    }
    return { message: result.message, created: result.created };
  }
}
