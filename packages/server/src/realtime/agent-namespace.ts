import { type AgentClientEvents, schemas } from '@parley/protocol';
import type { AttachmentUrls } from '../domain/attachment-urls.js';
import type { AuthService } from '../domain/auth-service.js';
import type { ChatService } from '../domain/chat-service.js';
import type { PresenceService } from '../domain/presence-service.js';
import type { Receipts } from '../domain/receipts.js';
import { sha256 } from '../domain/secrets.js';
import { connectError } from './connect-error.js';
import { attach, type HandlerContext, type HandlerTable, listeners, on } from './handle.js';
import { rooms } from './rooms.js';
import { originOf } from './socket-notifier.js';
import type { AgentNamespace, AgentSocket } from './sockets.js';

export type AgentDeps = HandlerContext & {
  chat: ChatService;
  auth: AuthService;
  presence: PresenceService;
  urls: AttachmentUrls;
  receipts: Receipts;
};

/** Node runs a longer timeout at once: a far expiry is reached in steps of at most this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends an agent's connection when its login token expires, as a logout or a deactivation already does: a
 * token stops opening new connections at expiry, and an open one must not outlive it. The client's next
 * connection attempt is answered `unauthorized`, and the console asks the agent to log in again.
 */
function endAtExpiry(socket: AgentSocket) {
  const left = socket.data.expiresAt - Date.now();
  if (left <= 0) {
    socket.disconnect(true);
    return;
  }
  socket.data.expiry = setTimeout(endAtExpiry, Math.min(left, MAX_TIMER_MS), socket);
}

const handler = on<AgentSocket>();

/** The agent namespace's events: transport only (rooms); the rest is ChatService and PresenceService. */
function agentHandlers({ chat, presence, urls, receipts }: AgentDeps) {
  return {
    'agent:status': handler(schemas.agentStatus, async ({ status }, { data: { agent } }) => ({
      status: await presence.setStatus(agent.id, status),
    })),

    'conversation:join': handler(schemas.conversationRef, async ({ conversationId }, socket) => {
      const conversation = await chat.publicConversation(conversationId);
      await socket.join(rooms.conversation(conversationId));
      const messages = urls.messages(await chat.messagesForAgents(conversationId));
      return { conversation, messages };
    }),

    'conversation:leave': handler(schemas.conversationRef, async ({ conversationId }, socket) => {
      await socket.leave(rooms.conversation(conversationId));
      return {};
    }),

    'conversation:accept': handler(schemas.conversationRef, async ({ conversationId }, socket) => {
      const conversation = await chat.accept(socket.data.agent, conversationId);
      await socket.join(rooms.conversation(conversationId));
      return { conversation };
    }),

    'message:send': handler(schemas.agentMessageSend, async (payload, socket) => ({
      message: urls.message(await chat.agentSend(socket.data.agent, payload, originOf(socket))),
    })),

    'conversation:transfer': handler(schemas.conversationTransfer, async (payload, { data: { agent } }) => ({
      conversation: await chat.transfer(agent, payload),
    })),

    'conversation:close': handler(schemas.conversationRef, async ({ conversationId }, { data: { agent } }) => ({
      conversation: await chat.agentClose(agent, conversationId),
    })),

    typing: handler(schemas.agentTyping, async ({ conversationId, typing }, { data: { agent } }) => {
      await chat.agentTyping(agent, conversationId, typing);
      return {};
    }),

    'messages:seen': handler(schemas.agentMessagesSeen, async ({ conversationId, seq }, { data: { agent } }) => {
      await receipts.agentSeen(agent, conversationId, seq);
      return {};
    }),
  } satisfies HandlerTable<AgentClientEvents, AgentSocket>;
}

export function installAgentNamespace(ns: AgentNamespace, deps: AgentDeps) {
  const { presence } = deps;

  // Through the adapter, so on every process. Ended sessions: their sockets go (the client's retry is
  // answered `unauthorized`). A new role or name: the agent's sockets go and the client's retry, with a token
  // that still works, joins with the agent read afresh at the handshake (rooms, role checks, author name).
  deps.auth.onSessionsEnded((agentId, keepTokenHash) => {
    const sockets = ns.in(rooms.agent(agentId));
    (keepTokenHash ? sockets.except(rooms.agentToken(keepTokenHash)) : sockets).disconnectSockets(true);
  });
  deps.auth.onAgentChanged((agentId) => ns.in(rooms.agent(agentId)).disconnectSockets(true));

  ns.use(async (socket, next) => {
    try {
      const auth = schemas.agentAuth.safeParse(socket.handshake.auth ?? {});
      const session = auth.success ? await deps.auth.sessionForToken(auth.data.token) : null;
      if (!auth.success || !session) return next(connectError('unauthorized', 'log in again'));
      socket.data = {
        agent: session.agent,
        tokenHash: sha256(auth.data.token),
        noEcho: auth.data.echo === false,
        expiresAt: session.expiresAt.getTime(),
      };
      next();
    } catch (error) {
      deps.log.error({ err: error }, 'agent handshake failed');
      next(connectError('unavailable', 'the server is unavailable right now, retrying'));
    }
  });

  // The handlers, built once for the namespace: a connection only holds references to them.
  const events = listeners(deps, agentHandlers(deps));

  async function disconnected(this: AgentSocket) {
    const { agent } = this.data;
    clearTimeout(this.data.expiry);
    try {
      await presence.disconnected(agent.id, this.id);
    } catch (error) {
      deps.log.warn({ err: error, agentId: agent.id }, 'could not record agent disconnect');
    }
  }

  ns.on('connection', async (socket) => {
    const { agent, tokenHash } = socket.data;
    const joined = [rooms.agent(agent.id), rooms.allAgents, rooms.agentToken(tokenHash)];
    if (agent.role !== 'agent') joined.push(rooms.supervisors);
    socket.on('disconnect', disconnected);
    endAtExpiry(socket);
    attach(socket, events);
    try {
      await socket.join(joined);
      await presence.connected(agent.id, socket.id);
    } catch (error) {
      // Store or coordination unavailable: let the client reconnect rather than half-connect.
      deps.log.warn({ err: error, agentId: agent.id }, 'agent connection setup failed');
      socket.disconnect(true);
    }
  });
}
