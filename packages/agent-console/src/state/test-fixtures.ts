import type { Agent, Conversation, Message } from '@parley/protocol';

/** Builders the state layer's unit tests share: the signed-in agent, a conversation, a message. */

export const ME: Agent = {
  id: 'me',
  email: 'me@example.com',
  name: 'Me',
  role: 'agent',
  maxChats: 4,
  active: true,
  createdAt: '2026-01-01T09:00:00Z',
};

/** A conversation assigned to ME unless `patch` says otherwise. */
export function chat(id: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id,
    siteId: 's',
    visitorId: `v-${id}`,
    status: 'assigned',
    agentId: 'me',
    agentName: 'Me',
    createdAt: '2026-01-01T10:00:00Z',
    updatedAt: '2026-01-01T10:00:00Z',
    lastSeq: 1,
    ...patch,
  };
}

/** The visitor's message number `seq` in conversation `c`. */
export function msg(seq: number, patch: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c',
    seq,
    clientId: null,
    author: 'visitor',
    authorName: null,
    text: `text ${seq}`,
    attachments: [],
    internal: false,
    createdAt: `2026-01-01T10:0${seq}:00Z`,
    ...patch,
  };
}
