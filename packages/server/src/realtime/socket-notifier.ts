import type { AgentStatus, Conversation, Message } from '@parley/protocol';
import type { AttachmentUrls } from '../domain/attachment-urls.js';
import type { Notifier, Origin } from '../domain/notifier.js';
import type { MessageAudience } from '../store/messages-repo.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace } from './sockets.js';

/** Where a message came from: its socket, when that connection asked not to hear its own messages back. */
export const originOf = (socket: { id: string; data: { noEcho: boolean } }): Origin | undefined =>
  socket.data.noEcho ? { skipSocketId: socket.id } : undefined;

/** Delivers domain changes to sockets. Through the adapter, this reaches sockets on every process. */
export class SocketNotifier implements Notifier {
  /** Told of every agent reply sent to the visitor's room (delivery receipts: domain/receipts.ts). */
  onVisitorDelivery: ((message: Message, visitorId: string) => void) | null = null;

  constructor(
    private readonly agents: AgentNamespace,
    private readonly visitors: VisitorNamespace,
    private readonly urls: AttachmentUrls,
  ) {}

  messageCreated(stored: Message, conversation: MessageAudience, origin?: Origin): void {
    const message = this.urls.message(stored);
    // A socket id is also a room: `except` leaves out just that connection, on whichever process it is.
    const skip = origin?.skipSocketId ? [origin.skipSocketId] : [];
    this.agents.to(agentRooms(conversation)).except(skip).emit('message:new', message);
    if (!message.internal) {
      this.visitors.to(rooms.visitor(conversation.visitorId)).except(skip).emit('message:new', message);
      if (message.author === 'agent') this.onVisitorDelivery?.(message, conversation.visitorId);
    }
  }

  /**
   * The visitor's seen seq rose: the consoles that have the conversation open (joined it) update their
   * "Seen". Others read it when they open it (`conversation:join` answers the conversation as it is), so
   * an agent reply costs no extra event to every agent and supervisor.
   */
  visitorSeen(conversation: Conversation): void {
    this.agents.to(rooms.conversation(conversation.id)).emit('conversation:updated', conversation);
  }

  /** Whether the visitor has a connected widget on any process (through the adapter; bounded in time). */
  async visitorOnline(visitorId: string, timeoutMs = 3000): Promise<boolean> {
    // a widget connected to this process answers at once; otherwise every process is asked
    if (this.visitors.adapter.rooms.get(rooms.visitor(visitorId))?.size) return true;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('fetchSockets timed out')), timeoutMs);
    });
    try {
      const sockets = await Promise.race([this.visitors.in(rooms.visitor(visitorId)).fetchSockets(), gaveUp]);
      return sockets.length > 0;
    } finally {
      clearTimeout(timer);
    }
  }

  conversationUpdated(conversation: Conversation): void {
    this.agents.to(rooms.allAgents).emit('conversation:updated', conversation);
    this.visitors.to(rooms.visitor(conversation.visitorId)).emit('conversation:updated', conversation);
  }

  conversationAssigned(conversation: Conversation): void {
    if (conversation.agentId)
      this.agents.to(rooms.agent(conversation.agentId)).emit('conversation:assigned', conversation);
  }

  presenceChanged(agentId: string, status: AgentStatus | 'offline'): void {
    this.agents.to(rooms.allAgents).emit('presence', { agentId, status });
  }

  visitorTyping(conversation: Conversation, typing: boolean, preview: string | undefined): void {
    this.agents
      .to(agentRooms(conversation))
      .emit('typing', { conversationId: conversation.id, typing, ...(preview !== undefined ? { preview } : {}) });
  }

  agentTyping(conversation: Conversation, typing: boolean, agentName: string): void {
    this.visitors.to(rooms.visitor(conversation.visitorId)).emit('typing', { typing, agentName });
  }
}

/** Agents who hear about a conversation: those in it, its agent, supervisors, and everyone while it is queued. */
function agentRooms(conversation: MessageAudience): string[] {
  const targets = [rooms.conversation(conversation.id), rooms.supervisors];
  if (conversation.agentId) targets.push(rooms.agent(conversation.agentId));
  if (conversation.status === 'queued') targets.push(rooms.allAgents);
  return targets;
}
