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
  /** The page's magic link (data-resume) was not honoured: expired or altered; this is a new session. */
  linkExpired?: boolean;
};

export type ChatClientOptions = {
  serverOrigin: string;
  siteKey: string;
  /** A magic link's token (data-resume): the first handshake resumes its conversation. */
  resume?: string | undefined;
  /** Called once for every message that arrives after the history was loaded. */
  onNewMessage?: (message: Message) => void;
};
