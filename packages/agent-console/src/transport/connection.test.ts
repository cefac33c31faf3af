import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { type AckOf, Connection, type SocketLike } from './connection.js';

type Emitted = { event: string; payload: unknown; ack: (err: Error | null, res: unknown) => void };

/** A socket whose acknowledgements the test gives by hand. */
function fakeSocket() {
  const emitted: Emitted[] = [];
  const handlers = new Map<string, (...args: never[]) => void>();
  const socket: SocketLike = {
    connected: true,
    timeout: () => ({
      emit: (event: string, payload: unknown, ack: Emitted['ack']) => emitted.push({ event, payload, ack }),
    }),
    emit: (event: string, payload: unknown) => emitted.push({ event, payload, ack: () => {} }),
    on: (event: string, fn: (...args: never[]) => void) => handlers.set(event, fn),
    connect: () => {},
    disconnect: () => {},
  };
  return { socket, emitted, handlers };
}

describe('connection', () => {
  it('resolves a request with its acknowledgement', async () => {
    const { socket, emitted } = fakeSocket();
    const pending = new Connection(socket).request('agent:status', { status: 'away' });
    expect(emitted[0]).toMatchObject({ event: 'agent:status', payload: { status: 'away' } });
    emitted[0]!.ack(null, { ok: true, status: 'away' });
    const ack: AckOf<'agent:status'> = await pending;
    expect(ack.status).toBe('away');
  });

  it('rejects with the server’s error code, or a timeout', async () => {
    const { socket, emitted } = fakeSocket();
    const connection = new Connection(socket);
    const refused = connection.request('conversation:accept', { conversationId: 'c' });
    emitted[0]!.ack(null, { ok: false, error: { code: 'agent_unavailable', message: 'Full' } });
    await expect(refused).rejects.toMatchObject({ code: 'agent_unavailable', message: 'Full' });
    const late = connection.request('conversation:close', { conversationId: 'c' });
    emitted[1]!.ack(new Error('timeout'), undefined);
    await expect(late).rejects.toBeInstanceOf(ApiError);
    await expect(late).rejects.toMatchObject({ code: 'timeout' });
  });

  it('routes every server event to its handler', () => {
    const { socket, handlers } = fakeSocket();
    const seen: string[] = [];
    const note = (name: string) => () => void seen.push(name);
    new Connection(socket).listen({
      connect: note('connect'),
      disconnect: note('disconnect'),
      connectError: note('connect_error'),
      'conversation:updated': note('conversation:updated'),
      'conversation:assigned': note('conversation:assigned'),
      'message:new': note('message:new'),
      typing: note('typing'),
      presence: note('presence'),
      'server:shutdown': note('server:shutdown'),
      'server:resync': note('server:resync'),
    });
    for (const fn of handlers.values()) (fn as () => void)();
    expect(seen.sort()).toEqual([...handlers.keys()].sort());
    expect(handlers.size).toBe(10);
  });
});

/** Compile-time checks (`pnpm typecheck`): each line below must fail to compile, or tsc reports it. */
export function typeChecks(connection: Connection) {
  // @ts-expect-error: a misspelled event name
  void connection.request('conversation:acept', { conversationId: 'c' });
  // @ts-expect-error: a payload of the wrong shape
  void connection.request('conversation:accept', { id: 'c' });
  // @ts-expect-error: a visitor's event is not an agent's
  void connection.request('visitor:identify', { userId: 'u' });
  void connection.request('conversation:accept', { conversationId: 'c' }).then((ack) => {
    ack.conversation.id satisfies string;
    // @ts-expect-error: the acknowledgement of accept carries no messages
    void ack.messages;
  });
  // @ts-expect-error: send() is for fire-and-forget events only
  connection.send('message:send', { conversationId: 'c', clientId: 'k', text: 't', internal: false });
}
