import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import type { Config } from '../config.js';
import { connectionAddress } from './client-address.js';
import { connectError } from './connect-error.js';
import type { Admit } from './handle.js';

type EngineSocket = {
  request: IncomingMessage;
  on(e: string, f: (this: EngineSocket) => void): void;
  close(): void;
};
type GuardedNamespace = {
  use(fn: (socket: { conn: object }, next: (err?: Error) => void) => void): unknown;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Per-IP connection cap (per process). Every engine connection is counted by its client's address (the
 * peer, or behind a trusted proxy the address it forwards: realtime/client-address.ts); one over the cap is
 * refused by the namespace it asks for with connect_error `rate_limited` (a clear code the client can
 * show), and its transport is closed shortly after, whatever it asks for. A loopback client is exempt
 * unless `trustLoopback` is off (a proxy on the same host that does not forward addresses would otherwise
 * count as one client).
 */
export function installConnectionGuard(io: Server, namespaces: GuardedNamespace[], config: Config) {
  const perIp = new Map<string, number>();
  const overLimit = new WeakSet<object>();
  const addressOf = (socket: EngineSocket) => connectionAddress(socket, config.trustProxy) ?? '';
  // One close listener for every connection (`this` = the engine socket): no closure per connection.
  function release(this: EngineSocket) {
    const ip = addressOf(this);
    const left = (perIp.get(ip) ?? 1) - 1;
    if (left <= 0) perIp.delete(ip);
    else perIp.set(ip, left);
  }
  io.engine.on('connection', (socket: EngineSocket) => {
    const ip = addressOf(socket);
    const n = (perIp.get(ip) ?? 0) + 1;
    perIp.set(ip, n);
    socket.on('close', release);
    if (n > config.maxConnectionsPerIp && !(config.trustLoopback && LOOPBACK.has(ip))) {
      overLimit.add(socket);
      setTimeout(() => socket.close(), 1000).unref();
    }
  });
  for (const ns of namespaces) {
    ns.use((socket, next) => {
      if (overLimit.has(socket.conn)) next(connectError('rate_limited', 'too many connections from your address'));
      else next();
    });
  }
  return { connections: (ip: string) => perIp.get(ip) ?? 0 };
}

/** One socket's event count in the current window; kept on `socket.data`. */
export type EventWindow = { start: number; count: number; cut: boolean };
type BudgetedSocket = { data: { events?: EventWindow }; disconnect(close?: boolean): unknown };

/**
 * Per-socket event budget (every event a handler is registered for, valid payload or not): over `limit`
 * events in a window, events are answered `rate_limited` without running; at twice the limit the client
 * is cut off (told so in the ack, then disconnected). Stops a single socket from flooding the store with
 * cheap events such as typing or sync. One function per namespace, its state a small record per socket
 * (`admit` runs before each handler, see realtime/handle.ts); events without a handler do nothing anyway.
 */
export function createEventBudget<S extends BudgetedSocket>(
  budget: { limit: number; windowMs: number },
  onCutOff: (socket: S) => void,
): Admit<S> {
  return function admit(socket, ack) {
    const now = Date.now();
    socket.data.events ??= { start: now, count: 0, cut: false };
    const window = socket.data.events;
    if (now - window.start >= budget.windowMs) {
      window.start = now;
      window.count = 0;
    }
    window.count++;
    if (window.count <= budget.limit && !window.cut) return true;
    const over = window.count > budget.limit * 2 || window.cut;
    const message = over
      ? 'too many events: this connection is closed'
      : 'too many events; slow down or this connection will be closed';
    try {
      ack?.({ ok: false, error: { code: 'rate_limited', message } });
    } catch {
      // the client went away
    }
    if (over && !window.cut) {
      window.cut = true;
      onCutOff(socket);
      // Let the last acknowledgement leave before the connection goes.
      setTimeout(() => socket.disconnect(true), 50).unref();
    }
    return false;
  };
}

type HandshakeNamespace = {
  use(
    fn: (
      socket: { handshake: { headers: Record<string, string | string[] | undefined> } },
      next: (err?: Error) => void,
    ) => void,
  ): unknown;
};

/**
 * Cross-site WebSocket hijacking guard for the agent namespace: a browser page may only open it from the
 * server's own origin (the console). Clients without an Origin header (integrations, tests) are let
 * through: they must hold a token anyway, and agent tokens are never ambient (no cookies).
 */
export function installSameOriginGuard(ns: HandshakeNamespace) {
  ns.use((socket, next) => {
    if (socket.handshake.headers.origin === undefined || fromOwnOrigin(socket.handshake.headers)) next();
    else next(connectError('origin_not_allowed', 'the agent console may only connect from its own origin'));
  });
}

/** The handshake comes from a page of this server's own origin (the console, the demo page, a magic link's page). */
export function fromOwnOrigin({ origin, host }: { origin?: string | undefined; host?: string | undefined }): boolean {
  try {
    return typeof origin === 'string' && typeof host === 'string' && new URL(origin).host === host;
  } catch {
    return false;
  }
}
