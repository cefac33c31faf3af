import type { AckPayload, AgentClientEvents, AgentServerEvents } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { ApiError } from './api.js';

/**
 * The agent's Socket.IO connection, typed end to end by the protocol's event maps: `request()` takes an event
 * of `AgentClientEvents` with its payload and resolves with that event's acknowledgement, and the handler table
 * covers every event of `AgentServerEvents`. A misspelled event or a wrong payload does not compile.
 */

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
export type ClientEvent = keyof AgentClientEvents;
export type PayloadOf<E extends ClientEvent> = Parameters<AgentClientEvents[E]>[0];
/** What a successful acknowledgement of `E` carries; a failed one rejects the request. */
export type AckOf<E extends ClientEvent> = AckPayload<AgentClientEvents, E>;

/** One handler per server event, and what to do when the connection comes, goes or is refused. */
export type ConnectionHandlers = { [E in keyof AgentServerEvents]: AgentServerEvents[E] } & {
  connect(): void;
  disconnect(reason: string): void;
  connectError(error: Error): void;
};

/** What Connection needs of a socket (socket.io-client's, or a fake in tests). */
type TimedEmitter = { emit(event: string, payload: unknown, ack: (err: Error | null, res: unknown) => void): void };
export type SocketLike = {
  readonly connected: boolean;
  timeout(ms: number): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, fn: (...args: never[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
};

export class Connection {
  constructor(private readonly socket: SocketLike) {}

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits with an acknowledgement; rejects with ApiError on `{ok:false}` or when no answer comes in time. */
  request<E extends ClientEvent>(event: E, payload: PayloadOf<E>, timeoutMs = 10_000): Promise<AckOf<E>> {
    return new Promise((resolve, reject) => {
      (this.socket.timeout(timeoutMs) as TimedEmitter).emit(event, payload, (err, res) => {
        if (err) return reject(new ApiError(0, 'timeout', 'The server did not answer in time'));
        const r = res as { ok: boolean; error?: { code: string; message: string } } | undefined;
        if (!r?.ok) return reject(new ApiError(400, r?.error?.code ?? 'error', r?.error?.message ?? 'Request failed'));
        resolve(res as AckOf<E>);
      });
    });
  }

  /** Emits without waiting for the answer (typing, leaving a conversation, delivery receipts). */
  send<E extends 'typing' | 'conversation:leave' | 'messages:seen'>(event: E, payload: PayloadOf<E>): void {
    this.socket.emit(event, payload, () => {});
  }

  /** Asks again after the server ended the connection: socket.io does not retry that on its own. */
  reconnect(): void {
    this.socket.connect();
  }

  close(): void {
    this.socket.disconnect();
  }

  /** Routes every socket event to its handler. */
  listen(handlers: ConnectionHandlers): void {
    const { connect, disconnect, connectError, ...events } = handlers;
    this.socket.on('connect', connect);
    this.socket.on('disconnect', disconnect);
    this.socket.on('connect_error', connectError);
    for (const [event, handler] of Object.entries(events)) this.socket.on(event, handler as (...args: never[]) => void);
  }
}

/** Opens the /agent namespace with the agent's token. */
export function openConnection(token: string, handlers: ConnectionHandlers): Connection {
  const socket: AgentSocket = io('/agent', {
    // echo: false — this tab learns of its own messages from the acks; the agent's other tabs still hear them.
    auth: { token, echo: false },
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5000,
  });
  const connection = new Connection(socket as unknown as SocketLike);
  connection.listen(handlers);
  return connection;
}
