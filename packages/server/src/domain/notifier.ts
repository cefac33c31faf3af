import type { AgentStatus, Conversation, Message } from '@parley/protocol';
import type { MessageAudience } from '../store/messages-repo.js';

/** The socket a message came from, when it asked not to hear its own messages back (handshake `echo: false`). */
export type Origin = { skipSocketId?: string | undefined };

/** How the domain tells connected clients what changed. Called only after the change is committed. */
export interface Notifier {
  messageCreated(message: Message, audience: MessageAudience, origin?: Origin): void;
  conversationUpdated(conversation: Conversation): void;
  conversationAssigned(conversation: Conversation): void;
  presenceChanged(agentId: string, status: AgentStatus | 'offline'): void;
  visitorTyping(conversation: Conversation, typing: boolean, preview: string | undefined): void;
  agentTyping(conversation: Conversation, typing: boolean, agentName: string): void;
}
