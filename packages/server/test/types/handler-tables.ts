/**
 * Type test, checked by `pnpm typecheck` (never run): the realtime handler tables are typed from the
 * protocol's event maps. Each `@ts-expect-error` below must stay an error; if one compiled, the line's
 * directive would be unused and the typecheck would fail.
 */
import {
  type AgentClientEvents,
  type Conversation,
  type Message,
  schemas,
  type VisitorClientEvents,
  type VisitorSession,
} from '@parley/protocol';
import { type HandlerTable, on } from '../../src/realtime/handle.js';
import type { AgentSocket, VisitorSocket } from '../../src/realtime/sockets.js';

declare const message: Message;
declare const conversation: Conversation;
declare const session: VisitorSession;

const visitor = on<VisitorSocket>();

const visitorTable = {
  'message:send': visitor(schemas.visitorMessageSend, () => ({ message })),
  'messages:sync': visitor(schemas.messagesSync, () => ({ messages: [message], conversation: null })),
  typing: visitor(schemas.visitorTyping, () => ({})),
  'conversation:rate': visitor(schemas.conversationRate, () => ({ conversation })),
  'conversation:close': visitor(schemas.visitorConversationClose, () => ({ conversation })),
  'messages:seen': visitor(schemas.visitorMessagesSeen, () => ({})),
  'visitor:update': visitor(schemas.visitorUpdate, () => ({ ignored: ['name' as const] })),
  'visitor:context': visitor(schemas.visitorContext, () => ({})),
  'visitor:identify': visitor(schemas.visitorIdentify, async () => ({ session })),
} satisfies HandlerTable<VisitorClientEvents, VisitorSocket>;

// A misspelled event name.
const misspelled = {
  ...visitorTable,
  // @ts-expect-error 'mesage:send' is not a visitor event
  'mesage:send': visitor(schemas.visitorMessageSend, () => ({ message })),
} satisfies HandlerTable<VisitorClientEvents, VisitorSocket>;

// An event without a handler.
const { typing: _typing, ...withoutTyping } = visitorTable;
// @ts-expect-error `typing` is missing
const missing = withoutTyping satisfies HandlerTable<VisitorClientEvents, VisitorSocket>;

// A wrong acknowledgement: a missing field, a field of the wrong type, an ack for the wrong event.
const wrongAck = [
  {
    ...visitorTable,
    // @ts-expect-error the ack of message:send carries `message`
    'message:send': visitor(schemas.visitorMessageSend, () => ({ msg: message })),
  } satisfies HandlerTable<VisitorClientEvents, VisitorSocket>,
  {
    ...visitorTable,
    // @ts-expect-error `conversation` is a Conversation, not a Message
    'conversation:close': visitor(schemas.conversationRef, async () => ({ conversation: message })),
  } satisfies HandlerTable<VisitorClientEvents, VisitorSocket>,
  {
    ...visitorTable,
    // @ts-expect-error `ignored` lists field names
    'visitor:update': visitor(schemas.visitorUpdate, () => ({ ignored: [42] })),
  } satisfies HandlerTable<VisitorClientEvents, VisitorSocket>,
];

// A payload schema for another event.
const wrongSchema = {
  ...visitorTable,
  // @ts-expect-error message:send needs `clientId` and `text`, not a conversation reference
  'message:send': visitor(schemas.conversationRef, () => ({ message })),
} satisfies HandlerTable<VisitorClientEvents, VisitorSocket>;

const agent = on<AgentSocket>();

const agentTable = {
  'agent:status': agent(schemas.agentStatus, ({ status }) => ({ status })),
  'conversation:join': agent(schemas.conversationRef, () => ({ conversation, messages: [message] })),
  'conversation:leave': agent(schemas.conversationRef, () => ({})),
  'conversation:accept': agent(schemas.conversationRef, () => ({ conversation })),
  'message:send': agent(schemas.agentMessageSend, () => ({ message })),
  'conversation:transfer': agent(schemas.conversationTransfer, () => ({ conversation })),
  'conversation:close': agent(schemas.conversationRef, () => ({ conversation })),
  typing: agent(schemas.agentTyping, () => ({})),
  'messages:seen': agent(schemas.agentMessagesSeen, () => ({})),
} satisfies HandlerTable<AgentClientEvents, AgentSocket>;

const agentMisspelled = {
  ...agentTable,
  // @ts-expect-error agents have no visitor:identify event
  'visitor:identify': agent(schemas.visitorIdentify, async () => ({ session })),
} satisfies HandlerTable<AgentClientEvents, AgentSocket>;

const agentWrongAck = {
  ...agentTable,
  // @ts-expect-error the ack of conversation:join carries the messages too
  'conversation:join': agent(schemas.conversationRef, () => ({ conversation })),
} satisfies HandlerTable<AgentClientEvents, AgentSocket>;

const agentWrongSocket = {
  ...agentTable,
  // @ts-expect-error a handler of the visitor namespace gets a visitor socket
  'conversation:leave': visitor(schemas.conversationRef, (_payload, socket) => ({ site: socket.data.site.id })),
} satisfies HandlerTable<AgentClientEvents, AgentSocket>;

export const tables = [misspelled, missing, wrongAck, wrongSchema, agentMisspelled, agentWrongAck, agentWrongSocket];
