import type { AgentStatus, Conversation, Message } from '@parley/protocol';
import type { MessageAudience } from '../store/messages-repo.js';

/** How the domain tells connected clients what changed. Called only after the change is committed. */
export interface Notifier {
  messageCreated(message: Message, audience: MessageAudience): void;
  conversationUpdated(conversation: Conversation): void;
  conversationAssigned(conversation: Conversation): void;
  presenceChanged(agentId: string, status: AgentStatus | 'offline'): void;
  visitorTyping(conversation: Conversation, typing: boolean, preview: string | undefined): void;
  agentTyping(conversation: Conversation, typing: boolean, agentName: string): void;
}
