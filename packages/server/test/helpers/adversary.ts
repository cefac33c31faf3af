import type { Message, VisitorSession } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { api, connectAgent, connectVisitor, createAgent, emit, eventually, ok } from './clients.js';
import type { RunningServer } from './server.js';

/** Helpers for the reliability and security suites: raw clients, outcomes, and log checks. */

export type Outcome = { ok: true; socket: Socket; session: VisitorSession } | { ok: false; code: string };

/**
 * Opens a /visitor socket with full control over the handshake (any auth value, Origin header, local
 * source address on 127.0.0.0/8 to act as another IP, an X-Forwarded-For header as a proxy sends it,
 * transport) and resolves with its session or the connect_error code.
 */
export function visitorHandshake(
  base: string,
  auth: unknown,
  opts: {
    origin?: string;
    localAddress?: string;
    forwardedFor?: string;
    transports?: ('websocket' | 'polling')[];
  } = {},
): Promise<Outcome> {
  const headers = {
    ...(opts.origin ? { origin: opts.origin } : {}),
    ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}),
  };
  const socket = io(`${base}/visitor`, {
    auth: auth as Record<string, unknown>,
    transports: opts.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}),
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  } as never);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve({ ok: false, code: 'timeout' });
    }, 10_000);
    socket.once('session', (session: VisitorSession) => {
      clearTimeout(timer);
      resolve({ ok: true, socket, session });
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      resolve({ ok: false, code: err.data?.code ?? err.message });
    });
  });
}

export async function connectedVisitor(
  base: string,
  siteKey: string,
  opts: { visitorToken?: string; localAddress?: string; forwardedFor?: string; origin?: string } = {},
) {
  const outcome = await visitorHandshake(
    base,
    { siteKey, ...(opts.visitorToken ? { visitorToken: opts.visitorToken } : {}) },
    opts,
  );
  if (!outcome.ok) throw new Error(`visitor handshake refused: ${outcome.code}`);
  const messages: Message[] = [];
  outcome.socket.on('message:new', (m: Message) => messages.push(m));
  return { socket: outcome.socket, session: outcome.session, messages };
}

export function agentHandshake(base: string, auth: unknown, opts: { origin?: string } = {}) {
  const socket = io(`${base}/agent`, {
    auth: auth as Record<string, unknown>,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  return new Promise<{ ok: true; socket: Socket } | { ok: false; code: string }>((resolve) => {
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve({ ok: false, code: err.data?.code ?? err.message });
    });
  });
}

/** The server's JSON log never mentions an uncaught exception or an unhandled rejection. */
export function expectNoCrashLogs(server: RunningServer) {
  const bad = server.logs.filter((l) => /uncaught|unhandled/i.test(String(l.msg ?? l.raw ?? '')));
  expect(bad, JSON.stringify(bad.slice(0, 3))).toEqual([]);
  expect(server.proc.exitCode).toBeNull();
  expect(server.proc.signalCode).toBeNull();
}

/** Log lines at error level or above (pino: 50 = error, 60 = fatal). */
export function errorLogs(server: RunningServer) {
  return server.logs.filter((l) => typeof l.level === 'number' && l.level >= 50);
}

/**
 * A full round trip on a live server: a new visitor writes, an online agent gets the conversation,
 * replies, and the visitor receives the reply. Proves the server still chats normally.
 */
export async function roundTrip(base: string, siteKey: string, adminToken: string, tag = 'rt') {
  // A fresh supervisor with room to spare: whatever earlier tests left queued cannot fill them up.
  const { token: agentToken } = await createAgent(base, adminToken, { role: 'supervisor', maxChats: 50 });
  const agent = await connectAgent(base, agentToken);
  await ok(emit(agent.socket, 'agent:status', { status: 'online' }));
  const visitor = await connectVisitor(base, siteKey);
  const { message } = await ok(
    emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: `${tag}-v`, text: `hello from ${tag}` }),
  );
  const conversationId = message.conversationId;
  await ok(emit(agent.socket, 'conversation:join', { conversationId }));
  const status = async () =>
    (await api(base, `/api/conversations/${conversationId}`, { token: agentToken })).body.conversation;
  const conversation = await status();
  if (conversation.status === 'queued') {
    const accepted = await emit(agent.socket, 'conversation:accept', { conversationId });
    if (!accepted.ok && accepted.error.code !== 'conflict') throw new Error(JSON.stringify(accepted.error));
  }
  await eventually(async () => expect((await status()).status).toBe('assigned'));
  await ok(emit(agent.socket, 'message:send', { conversationId, clientId: `${tag}-a`, text: `reply to ${tag}` }));
  await eventually(() => expect(visitor.messages.some((m) => m.text === `reply to ${tag}`)).toBe(true));
  await ok(emit(agent.socket, 'conversation:close', { conversationId }));
  visitor.socket.close();
  agent.socket.close();
  return conversationId;
}
