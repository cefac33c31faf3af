import type { Conversation, Message, VisitorSession } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import type { ParleyServer } from './server.js';

/** Console e2e people: agents created through the admin API, visitors as socket.io clients on /visitor. */

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

export type TestVisitor = {
  socket: Socket;
  session: VisitorSession;
  /** Every message:new this visitor received. */
  messages: Message[];
  emit<T extends object = object>(event: string, payload: unknown): Promise<T>;
  send(text: string): Promise<Message>;
  close(): void;
};

/** The page a visitor is on unless a test says otherwise. */
export const PLAIN_CONTEXT = {
  url: 'https://shop.example.com/checkout?step=2',
  title: 'Checkout — Example Shop',
  referrer: 'https://www.google.com/',
  locale: 'en-GB',
};

/** A visitor on a page (a checkout page unless given a context), optionally named. */
export async function connectVisitor(
  server: ParleyServer,
  siteKey: string,
  opts: { name?: string; context?: Record<string, string> } = {},
): Promise<TestVisitor> {
  const socket = io(`${server.origin}/visitor`, {
    auth: { siteKey },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const messages: Message[] = [];
  socket.on('message:new', (m: Message) => messages.push(m));
  const session = await new Promise<VisitorSession>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
  });
  const emit = async <T extends object>(event: string, payload: unknown): Promise<T> => {
    const res = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
    if (!res.ok) throw new Error(`${event} failed: ${res.error.code} ${res.error.message}`);
    return res;
  };
  await emit('visitor:context', opts.context ?? PLAIN_CONTEXT);
  if (opts.name) await emit('visitor:update', { name: opts.name });
  let n = 0;
  return {
    socket,
    session,
    messages,
    emit,
    async send(text) {
      const res = await emit<{ message: Message }>('message:send', { clientId: `v-${Date.now()}-${n++}`, text });
      return res.message;
    },
    close: () => void socket.close(),
  };
}

export type TestAgent = { id: string; email: string; password: string; name: string };

/** Creates an agent (role `agent` unless told) with a password derived from their first name. */
export async function createAgent(
  server: ParleyServer,
  adminToken: string,
  name: string,
  opts: { role?: 'agent' | 'supervisor' | 'admin'; maxChats?: number } = {},
): Promise<TestAgent> {
  const first = name.split(' ')[0]!.toLowerCase();
  const person = { email: `${first}@example.com`, password: `${first}-password-1`, name };
  const { id } = await server.api('POST /api/agents', {
    token: adminToken,
    body: { ...person, role: opts.role ?? 'agent', maxChats: opts.maxChats ?? 5 },
  });
  return { id, ...person };
}

export type { Conversation };
