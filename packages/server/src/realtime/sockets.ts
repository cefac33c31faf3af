import type {
  Agent,
  AgentClientEvents,
  AgentServerEvents,
  VisitorClientEvents,
  VisitorServerEvents,
} from '@parley/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { VisitorConnection } from '../domain/visitor-service.js';
import type { EventWindow } from './connection-guard.js';

/** Processes talk through the adapter only (broadcasts); no server-side events between them. */
type NoInterServerEvents = Record<string, never>;

/**
 * What a visitor connection keeps: its site (shared, from the site cache) and the visitor's identity.
 * `noEcho`: handshake `echo: false` (this connection does not hear its own messages back).
 */
export type VisitorSocketData = VisitorConnection & { noEcho: boolean; events?: EventWindow };

/**
 * What an agent connection keeps. `noEcho`: as for visitors. `expiresAt`: when the login token runs out
 * (ms); `expiry`: the timer that ends the connection then.
 */
export type AgentSocketData = {
  agent: Agent;
  tokenHash: string;
  noEcho: boolean;
  expiresAt: number;
  expiry?: ReturnType<typeof setTimeout>;
  events?: EventWindow;
};

export type VisitorNamespace = Namespace<
  VisitorClientEvents,
  VisitorServerEvents,
  NoInterServerEvents,
  VisitorSocketData
>;
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, NoInterServerEvents, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, NoInterServerEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, NoInterServerEvents, AgentSocketData>;
