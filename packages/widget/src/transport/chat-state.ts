import type { Conversation, Message } from '@parley/protocol';
import type { OutboxItem } from './outbox';

/** What the widget's views read from the ChatClient. */

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'blocked';

export type VisitorInfo = { name: string | null; email: string | null; verified: boolean };

export type ChatState = {
  status: ConnectionStatus;
  conversation: Conversation | null;
  messages: Message[];
  outbox: readonly OutboxItem[];
  /** null: nobody typing; otherwise the typing agent's name ('' if unknown). */
  agentTyping: string | null;
  visitor: VisitorInfo;
  ratedConversationIds: readonly string[];
};

export type ChatClientOptions = {
  serverOrigin: string;
  siteKey: string;
  /** Called once for every message that arrives after the history was loaded. */
  onNewMessage?: (message: Message) => void;
};
