import type { Ack, Conversation, Message, VisitorSession } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { ADMIN } from './server.js';

/** HTTP + Socket.IO clients for integration tests, speaking to a real server over real sockets. */

export async function api(
  base: string,
  route: string,
  init: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + route, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

export async function login(base: string, email = ADMIN.email, password = ADMIN.password): Promise<string> {
  const res = await api(base, '/api/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export async function defaultSiteKey(base: string, token: string): Promise<string> {
  const res = await api(base, '/api/sites', { token });
  return res.body.sites[0].key as string;
}

let agentCounter = 0;
export async function createAgent(
  base: string,
  adminToken: string,
  opts: { maxChats?: number; role?: 'agent' | 'supervisor' | 'admin'; name?: string } = {},
) {
  agentCounter++;
  const email = `agent${agentCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'agent-password-1';
  const res = await api(base, '/api/agents', {
    token: adminToken,
    body: {
      email,
      name: opts.name ?? `Agent ${agentCounter}`,
      password,
      role: opts.role ?? 'agent',
      maxChats: opts.maxChats ?? 5,
    },
  });
  if (res.status !== 201) throw new Error(`create agent failed: ${JSON.stringify(res.body)}`);
  return {
    agent: res.body as { id: string; name: string },
    token: await login(base, email, password),
    email,
    password,
  };
}

export function emit<T extends object = object>(
  socket: Socket,
  event: string,
  payload?: unknown,
  timeoutMs = 10_000,
): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
}

export async function ok<T extends object>(promise: Promise<Ack<T>>): Promise<T> {
  const res = await promise;
  if (!res.ok) throw new Error(`expected ok, got ${JSON.stringify(res.error)}`);
  return res;
}

export type Visitor = { socket: Socket; session: VisitorSession; messages: Message[]; conversations: Conversation[] };

export function connectVisitor(
  base: string,
  siteKey: string,
  opts: { visitorToken?: string; origin?: string; transports?: string[]; echo?: boolean } = {},
): Promise<Visitor> {
  const socket = io(`${base}/visitor`, {
    auth: {
      siteKey,
      ...(opts.visitorToken ? { visitorToken: opts.visitorToken } : {}),
      ...(opts.echo !== undefined ? { echo: opts.echo } : {}),
    },
    transports: (opts.transports as ('websocket' | 'polling')[] | undefined) ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  const messages: Message[] = [];
  const conversations: Conversation[] = [];
  socket.on('message:new', (m: Message) => messages.push(m));
  socket.on('conversation:updated', (c: Conversation) => conversations.push(c));
  return new Promise((resolve, reject) => {
    socket.once('session', (session: VisitorSession) => resolve({ socket, session, messages, conversations }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export type AgentClient = {
  socket: Socket;
  assigned: Conversation[];
  messages: Message[];
  updates: Conversation[];
};

export function connectAgent(base: string, token: string, opts: { echo?: boolean } = {}): Promise<AgentClient> {
  const socket = io(`${base}/agent`, {
    auth: { token, ...(opts.echo !== undefined ? { echo: opts.echo } : {}) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client: AgentClient = { socket, assigned: [], messages: [], updates: [] };
  socket.on('conversation:assigned', (c: Conversation) => client.assigned.push(c));
  socket.on('message:new', (m: Message) => client.messages.push(m));
  socket.on('conversation:updated', (c: Conversation) => client.updates.push(c));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Polls until the check passes (for asynchronous deliveries), failing with the last error. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
