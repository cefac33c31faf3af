import type {
  AgentClientEvents,
  AgentServerEvents,
  Message,
  VisitorClientEvents,
  VisitorServerEvents,
} from '@parley/protocol';
import type { Namespace } from 'socket.io';
import type { Notifier, Origin } from '../domain/notifier.js';
import type { MessageAudience } from '../store/messages-repo.js';
import { rooms } from './rooms.js';

export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents>;
export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents>;

/** Where a message came from: its socket, when that connection asked not to hear its own messages back. */
export const originOf = (socket: { id: string; data: { noEcho: boolean } }): Origin | undefined =>
  socket.data.noEcho ? { skipSocketId: socket.id } : undefined;

/** Delivers domain changes to sockets. Through the adapter, this reaches sockets on every process. */
export function socketNotifier(agents: AgentNamespace, visitors: VisitorNamespace): Notifier {
  const agentRooms = (conversation: MessageAudience) => {
    const targets = [rooms.conversation(conversation.id), rooms.supervisors];
    if (conversation.agentId) targets.push(rooms.agent(conversation.agentId));
    if (conversation.status === 'queued') targets.push(rooms.allAgents);
    return targets;
  };
  return {
    messageCreated(message: Message, conversation: MessageAudience, origin?: Origin) {
      // A socket id is also a room: `except` leaves out just that connection, on whichever process it is.
      const skip = origin?.skipSocketId ? [origin.skipSocketId] : [];
      agents.to(agentRooms(conversation)).except(skip).emit('message:new', message);
      if (!message.internal)
        visitors.to(rooms.visitor(conversation.visitorId)).except(skip).emit('message:new', message);
    },
    conversationUpdated(conversation) {
      agents.to(rooms.allAgents).emit('conversation:updated', conversation);
      visitors.to(rooms.visitor(conversation.visitorId)).emit('conversation:updated', conversation);
    },
    conversationAssigned(conversation) {
      if (conversation.agentId)
        agents.to(rooms.agent(conversation.agentId)).emit('conversation:assigned', conversation);
    },
    presenceChanged(agentId, status) {
      agents.to(rooms.allAgents).emit('presence', { agentId, status });
    },
    visitorTyping(conversation, typing, preview) {
      agents
        .to(agentRooms(conversation))
        .emit('typing', { conversationId: conversation.id, typing, ...(preview !== undefined ? { preview } : {}) });
    },
    agentTyping(conversation, typing, agentName) {
      visitors.to(rooms.visitor(conversation.visitorId)).emit('typing', { typing, agentName });
    },
  };
}
