import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { agentHandshake } from './helpers/adversary.js';
import {
  api,
  connectAgent,
  connectVisitor,
  createAgent,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
  sleep,
} from './helpers/clients.js';
import { services } from './helpers/cluster.js';
import { useCluster, useServer } from './helpers/fixtures.js';

/**
 * Changes to an agent reach their open sockets: a role change applies at once (the sockets reconnect with
 * the new role), a password change ends every other session, REST and sockets alike.
 */

const patchAgent = (base: string, token: string, id: string, body: object) =>
  api(base, `/api/agents/${id}`, { method: 'PATCH', token, body });

/** Records why a socket was disconnected. */
function disconnects(socket: Socket): string[] {
  const reasons: string[] = [];
  socket.on('disconnect', (reason) => reasons.push(reason));
  return reasons;
}

/** Reconnects a socket the server ended, as the console does after `io server disconnect`. */
function reconnect(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
    socket.connect();
  });
}

/** A conversation assigned to a fresh online agent; the supervisor-only action is replying in it. */
async function conversationOfAnotherAgent(base: string, admin: string) {
  const owner = await createAgent(base, admin);
  const ownerSocket = await connectAgent(base, owner.token);
  await ok(emit(ownerSocket.socket, 'agent:status', { status: 'online' }));
  const visitor = await connectVisitor(base, await defaultSiteKey(base, admin));
  await ok(emit(visitor.socket, 'message:send', { clientId: `v-${Date.now()}`, text: 'hello' }));
  const assigned = await eventually(() => {
    expect(ownerSocket.assigned.length).toBe(1);
    return ownerSocket.assigned[0]!;
  });
  return {
    owner: { ...owner, socket: ownerSocket.socket },
    conversationId: assigned.id,
    close: () => [ownerSocket.socket, visitor.socket].map((s) => s.close()),
  };
}

describe('one process', () => {
  const server = useServer();

  it('a supervisor demoted to agent loses supervisor powers on the socket they have open', async () => {
    const supervisor = await createAgent(server.url, server.admin, { role: 'supervisor' });
    const live = await connectAgent(server.url, supervisor.token);
    await ok(emit(live.socket, 'agent:status', { status: 'away' }));
    const chat = await conversationOfAnotherAgent(server.url, server.admin);
    const reply = (text: string) =>
      emit(live.socket, 'message:send', { conversationId: chat.conversationId, clientId: text, text });
    expect((await reply('as-supervisor')).ok).toBe(true);

    const reasons = disconnects(live.socket);
    expect((await patchAgent(server.url, server.admin, supervisor.agent.id, { role: 'agent' })).status).toBe(200);
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    // The token still works: the client reconnects, now as an agent, and the same action is refused.
    await reconnect(live.socket);
    const refused = await reply('as-agent');
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_assigned' } });
    expect((await api(server.url, '/api/me', { token: supervisor.token })).body.agent.role).toBe('agent');
    live.socket.close();
    chat.close();
  });

  it('a renamed agent’s open socket writes under the new name', async () => {
    const chat = await conversationOfAnotherAgent(server.url, server.admin);
    const reasons = disconnects(chat.owner.socket);
    expect((await patchAgent(server.url, server.admin, chat.owner.agent.id, { name: 'Renamed Agent' })).status).toBe(
      200,
    );
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    await reconnect(chat.owner.socket);
    const sent = await ok(
      emit<{ message: { authorName: string } }>(chat.owner.socket, 'message:send', {
        conversationId: chat.conversationId,
        clientId: 'after-rename',
        text: 'hello again',
      }),
    );
    expect(sent.message.authorName).toBe('Renamed Agent');
    chat.close();
  });

  it('an admin’s password change ends every session of the agent: tokens 401, sockets cut', async () => {
    const agent = await createAgent(server.url, server.admin);
    const second = await login(server.url, agent.email, agent.password);
    const sockets = [await connectAgent(server.url, agent.token), await connectAgent(server.url, second)];
    const reasons = sockets.map((s) => disconnects(s.socket));
    const changed = await patchAgent(server.url, server.admin, agent.agent.id, { password: 'changed-by-admin-1' });
    expect(changed.status).toBe(200);
    for (const token of [agent.token, second]) {
      const res = await api(server.url, '/api/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(await agentHandshake(server.url, { token })).toEqual({ ok: false, code: 'unauthorized' });
    }
    await eventually(() => expect(reasons).toEqual([['io server disconnect'], ['io server disconnect']]));
    await login(server.url, agent.email, 'changed-by-admin-1');
  });

  it('an agent’s own password change keeps the session that made it and ends the others', async () => {
    const agent = await createAgent(server.url, server.admin);
    const other = await login(server.url, agent.email, agent.password);
    const mine = await connectAgent(server.url, agent.token);
    const theirs = await connectAgent(server.url, other);
    const reasons = disconnects(theirs.socket);
    const change = (body: object) => api(server.url, '/api/me/password', { token: agent.token, body });

    const wrong = await change({ currentPassword: 'not-my-password', newPassword: 'my-new-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const short = await change({ currentPassword: agent.password, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid_payload');
    expect((await api(server.url, '/api/me', { token: other })).status).toBe(200);

    expect((await change({ currentPassword: agent.password, newPassword: 'my-new-password-1' })).status).toBe(200);
    expect((await api(server.url, '/api/me', { token: other })).status).toBe(401);
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    expect((await api(server.url, '/api/me', { token: agent.token })).status).toBe(200);
    await sleep(100);
    expect(mine.socket.connected).toBe(true);
    expect(
      (await api(server.url, '/api/auth/login', { body: { email: agent.email, password: agent.password } })).status,
    ).toBe(401);
    await login(server.url, agent.email, 'my-new-password-1');
    mine.socket.close();
  });
});

const env = await services({ redis: true, postgres: true });

describe.skipIf(!env.run)('two processes sharing Redis and PostgreSQL', { timeout: 90_000 }, () => {
  const shared = useCluster(2, { assert: env.assert });

  it('a role change and a password change made on one process reach sockets on the other', async () => {
    const [a, b] = shared.urls as [string, string];
    const admin = await login(a);
    const supervisor = await createAgent(a, admin, { role: 'supervisor' });
    const live = await connectAgent(b, supervisor.token);
    await ok(emit(live.socket, 'agent:status', { status: 'away' }));
    const chat = await conversationOfAnotherAgent(b, admin);
    const reasons = disconnects(live.socket);

    expect((await patchAgent(a, admin, supervisor.agent.id, { role: 'agent' })).status).toBe(200);
    await eventually(() => expect(reasons).toEqual(['io server disconnect']));
    await reconnect(live.socket);
    const refused = await emit(live.socket, 'message:send', {
      conversationId: chat.conversationId,
      clientId: 'as-agent',
      text: 'as-agent',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_assigned' } });

    expect((await patchAgent(a, admin, supervisor.agent.id, { password: 'changed-by-admin-1' })).status).toBe(200);
    await eventually(() => expect(reasons).toEqual(['io server disconnect', 'io server disconnect']));
    expect((await api(b, '/api/me', { token: supervisor.token })).status).toBe(401);
    chat.close();
  });
});
