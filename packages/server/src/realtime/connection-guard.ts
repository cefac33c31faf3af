import type { Server } from 'socket.io';
import type { Config } from '../config.js';
import { connectError } from './site-cache.js';

type EngineSocket = { remoteAddress: string; on(e: string, f: () => void): void; close(): void };
type GuardedNamespace = {
  use(fn: (socket: { conn: object }, next: (err?: Error) => void) => void): unknown;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Per-IP connection cap (per process). Every engine connection is counted by remote address; one over the
 * cap is refused by the namespace it asks for with connect_error `rate_limited` (a clear code the client
 * can show), and its transport is closed shortly after, whatever it asks for. Loopback is exempt unless
 * `trustLoopback` is off (a reverse proxy on the same host would otherwise count as one client).
 */
export function installConnectionGuard(io: Server, namespaces: GuardedNamespace[], config: Config) {
  const perIp = new Map<string, number>();
  const overLimit = new WeakSet<object>();
  io.engine.on('connection', (socket: EngineSocket) => {
    const ip = socket.remoteAddress;
    const n = (perIp.get(ip) ?? 0) + 1;
    perIp.set(ip, n);
    socket.on('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
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

type GuardedSocket = {
  use(fn: (packet: unknown[], next: (err?: Error) => void) => void): unknown;
  disconnect(close?: boolean): unknown;
};

/**
 * Per-socket event budget (any event, valid or not): over `limit` events in a window, events are answered
 * `rate_limited` without running; at twice the limit the client is cut off (told so in the ack, then
 * disconnected). Stops a single socket from flooding the store with cheap events such as typing or sync.
 */
export function installEventGuard(
  socket: GuardedSocket,
  budget: { limit: number; windowMs: number },
  onCutOff: () => void,
) {
  let windowStart = Date.now();
  let count = 0;
  let cut = false;
  socket.use((packet, next) => {
    const now = Date.now();
    if (now - windowStart >= budget.windowMs) {
      windowStart = now;
      count = 0;
    }
    count++;
    if (count <= budget.limit && !cut) return next();
    const ack = packet[packet.length - 1];
    const over = count > budget.limit * 2 || cut;
    const message = over
      ? 'too many events: this connection is closed'
      : 'too many events; slow down or this connection will be closed';
    if (typeof ack === 'function') {
      try {
        ack({ ok: false, error: { code: 'rate_limited', message } });
      } catch {
        // the client went away
      }
    }
    if (over && !cut) {
      cut = true;
      onCutOff();
      // Let the last acknowledgement leave before the connection goes.
      setTimeout(() => socket.disconnect(true), 50).unref();
    }
  });
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
    const { origin, host } = socket.handshake.headers;
    if (origin === undefined) return next();
    let sameHost = false;
    try {
      sameHost = typeof origin === 'string' && typeof host === 'string' && new URL(origin).host === host;
    } catch {
      sameHost = false;
    }
    if (sameHost) next();
    else next(connectError('origin_not_allowed', 'the agent console may only connect from its own origin'));
  });
}
