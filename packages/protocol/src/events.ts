import type { AckFn, AgentStatus, Conversation, Message, PageContext, VerifiedField } from './entities.js';
import type {
  AgentMessageSend,
  AgentMessagesSeen,
  AgentStatusPayload,
  AgentTyping,
  ConversationRate,
  ConversationRef,
  ConversationTransfer,
  MessagesSync,
  VisitorConversationClose,
  VisitorIdentify,
  VisitorMessageSend,
  VisitorMessagesSeen,
  VisitorTyping,
  VisitorUpdate,
} from './schemas.js';

/** Typed Socket.IO event maps shared by the server, the widget and the console. */

export type VisitorSession = {
  visitorId: string;
  visitorToken: string;
  conversation: Conversation | null;
  name?: string | null;
  email?: string | null;
  /** The visitor's userId is verified (see verifiedFields for name and email). */
  verified?: boolean;
  verifiedFields?: VerifiedField[];
  /**
   * The handshake's magic link (`resume`) was not honoured (expired, altered, or of another site): this is
   * a normal session instead, and the widget says the link has expired.
   */
  resumeRefused?: boolean;
};

export type VisitorClientEvents = {
  'message:send': (payload: VisitorMessageSend, ack: AckFn<{ message: Message }>) => void;
  'messages:sync': (
    payload: MessagesSync,
    ack: AckFn<{ messages: Message[]; conversation: Conversation | null }>,
  ) => void;
  typing: (payload: VisitorTyping, ack?: AckFn) => void;
  'conversation:rate': (payload: ConversationRate, ack: AckFn<{ conversation: Conversation }>) => void;
  'conversation:close': (payload: VisitorConversationClose, ack: AckFn<{ conversation: Conversation }>) => void;
  /** Delivery receipt for the visitor's open conversation (the ack is optional). */
  'messages:seen': (payload: VisitorMessagesSeen, ack?: AckFn) => void;
  /** `ignored`: fields left as they were because the site signed them (an update never overwrites those). */
  'visitor:update': (payload: VisitorUpdate, ack: AckFn<{ ignored: ('name' | 'email')[] }>) => void;
  'visitor:context': (payload: PageContext, ack: AckFn) => void;
  'visitor:identify': (payload: VisitorIdentify, ack: AckFn<{ session: VisitorSession }>) => void;
};

export type VisitorServerEvents = {
  session: (session: VisitorSession) => void;
  'message:new': (message: Message) => void;
  typing: (payload: { typing: boolean; agentName?: string | null }) => void;
  'conversation:updated': (conversation: Conversation) => void;
  'server:shutdown': (payload: { reconnect: boolean }) => void;
  /** Events from other processes may have been missed (fan-out outage): call messages:sync. */
  'server:resync': (payload: Record<string, never>) => void;
};

export type AgentClientEvents = {
  'agent:status': (payload: AgentStatusPayload, ack: AckFn<{ status: AgentStatus }>) => void;
  'conversation:join': (
    payload: ConversationRef,
    ack: AckFn<{ conversation: Conversation; messages: Message[] }>,
  ) => void;
  'conversation:leave': (payload: ConversationRef, ack: AckFn) => void;
  'conversation:accept': (payload: ConversationRef, ack: AckFn<{ conversation: Conversation }>) => void;
  'message:send': (payload: AgentMessageSend, ack: AckFn<{ message: Message }>) => void;
  'conversation:transfer': (payload: ConversationTransfer, ack: AckFn<{ conversation: Conversation }>) => void;
  'conversation:close': (payload: ConversationRef, ack: AckFn<{ conversation: Conversation }>) => void;
  typing: (payload: AgentTyping, ack?: AckFn) => void;
  /** Delivery receipt: the console showed the conversation up to `seq` (the ack is optional). */
  'messages:seen': (payload: AgentMessagesSeen, ack?: AckFn) => void;
};

export type AgentServerEvents = {
  'conversation:updated': (conversation: Conversation) => void;
  'conversation:assigned': (conversation: Conversation) => void;
  'message:new': (message: Message) => void;
  typing: (payload: { conversationId: string; typing: boolean; preview?: string }) => void;
  presence: (payload: { agentId: string; status: AgentStatus | 'offline' }) => void;
  'server:shutdown': (payload: { reconnect: boolean }) => void;
  /** Events from other processes may have been missed (fan-out outage): reload what is on screen. */
  'server:resync': (payload: Record<string, never>) => void;
};

/** The success payload of an event's acknowledgement: `AckPayload<AgentClientEvents, 'message:send'>` → `{message}`. */
export type AckPayload<Events, E extends keyof Events> = Events[E] extends (payload: never, ack: infer F) => void
  ? NonNullable<F> extends (res: infer R) => void
    ? R extends { ok: true } & infer T
      ? Omit<T, 'ok'>
      : never
    : never
  : never;
