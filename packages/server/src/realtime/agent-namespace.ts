import { type Agent, schemas } from '@parley/protocol';
import type { Socket } from 'socket.io';
import type { Coordinator } from '../coord/coordinator.js';
import type { AuthService } from '../domain/auth-service.js';
import type { ChatService } from '../domain/chat-service.js';
import type { Notifier } from '../domain/notifier.js';
import { sha256 } from '../domain/secrets.js';
import { publicConversation } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { type HandlerContext, handle } from './handle.js';
import type { AgentNamespace } from './notifier.js';
import { rooms } from './rooms.js';
import { connectError } from './site-cache.js';

export type AgentDeps = HandlerContext & {
  store: Store;
  coord: Coordinator;
  chat: ChatService;
  auth: AuthService;
  notifier: Notifier;
};

type AgentData = { agent: Agent; tokenHash: string };

export function setupAgentNamespace(ns: AgentNamespace, deps: AgentDeps) {
  const { store, chat, coord, notifier } = deps;

  ns.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const agent = typeof token === 'string' && token.length < 200 ? await deps.auth.agentForToken(token) : null;
      if (!agent || typeof token !== 'string') return next(connectError('unauthorized', 'log in again'));
      socket.data = { agent, tokenHash: sha256(token) } satisfies AgentData;
      next();
    } catch (error) {
      deps.log.error({ err: error }, 'agent handshake failed');
      next(connectError('unavailable', 'the server is unavailable right now, retrying'));
    }
  });

  ns.on('connection', async (socket: Socket) => {
    const { agent, tokenHash } = socket.data as AgentData;
    deps.metrics.connections.inc({ kind: 'agent' });
    const rooms_ = [rooms.agent(agent.id), rooms.allAgents, rooms.agentToken(tokenHash)];
    if (agent.role !== 'agent') rooms_.push(rooms.supervisors);

    socket.on('disconnect', async () => {
      deps.metrics.connections.dec({ kind: 'agent' });
      try {
        const presence = await coord.agentDisconnected(agent.id, socket.id);
        if (!presence.connected) notifier.presenceChanged(agent.id, 'offline');
      } catch (error) {
        deps.log.warn({ err: error, agentId: agent.id }, 'could not record agent disconnect');
      }
    });

    handle(socket, deps, 'agent:status', schemas.agentStatus, async ({ status }) => {
      await coord.setAgentStatus(agent.id, status);
      notifier.presenceChanged(agent.id, status);
      deps.log.info({ agentId: agent.id, status }, 'agent status');
      if (status === 'online') await chat.router.request();
      return { status };
    });

    handle(socket, deps, 'conversation:join', schemas.conversationRef, async ({ conversationId }) => {
      const conversation = await chat.conversation(conversationId);
      await socket.join(rooms.conversation(conversationId));
      const messages = await store.messages.list(conversationId, { includeInternal: true });
      return { conversation: publicConversation(conversation), messages };
    });

    handle(socket, deps, 'conversation:leave', schemas.conversationRef, async ({ conversationId }) => {
      await socket.leave(rooms.conversation(conversationId));
      return {};
    });

    handle(socket, deps, 'conversation:accept', schemas.conversationRef, async ({ conversationId }) => {
      const conversation = await chat.accept(agent, conversationId);
      await socket.join(rooms.conversation(conversationId));
      return { conversation };
    });

    handle(socket, deps, 'message:send', schemas.agentMessageSend, async (payload) => ({
      message: await chat.agentSend(agent, payload),
    }));

    handle(socket, deps, 'conversation:transfer', schemas.conversationTransfer, async (payload) => ({
      conversation: await chat.transfer(agent, payload),
    }));

    handle(socket, deps, 'conversation:close', schemas.conversationRef, async ({ conversationId }) => ({
      conversation: await chat.agentClose(agent, conversationId),
    }));

    handle(socket, deps, 'typing', schemas.agentTyping, async ({ conversationId, typing }) => {
      const conversation = await chat.conversation(conversationId);
      if (conversation.agentId === agent.id && conversation.status !== 'closed')
        notifier.agentTyping(publicConversation(conversation), typing, agent.name);
      return {};
    });

    try {
      await socket.join(rooms_);
      const presence = await coord.agentConnected(agent.id, socket.id);
      notifier.presenceChanged(agent.id, presence.status);
      if (presence.status === 'online') void chat.router.request();
    } catch (error) {
      // Store or coordination unavailable: let the client reconnect rather than half-connect.
      deps.log.warn({ err: error, agentId: agent.id }, 'agent connection setup failed');
      socket.disconnect(true);
    }
  });
}
