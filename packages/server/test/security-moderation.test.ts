import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { connectedVisitor, expectNoCrashLogs, visitorHandshake } from './helpers/adversary.js';
import { api, connectAgent, createAgent, emit, eventually, login, ok } from './helpers/clients.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * Moderation: an agent blocks a visitor from the console. Visitors act from distinct source addresses on
 * 127.0.0.0/8 so that the IP part of a block can be told apart from the visitor-id part.
 */
let server: RunningServer;
let admin: string;
let site: { id: string; key: string };
let otherSite: { id: string; key: string };

beforeAll(async () => {
  server = await startServer();
  admin = await login(server.url);
  site = (await api(server.url, '/api/sites', { token: admin, body: { name: 'Moderated', allowedOrigins: [] } })).body;
  otherSite = (await api(server.url, '/api/sites', { token: admin, body: { name: 'Elsewhere', allowedOrigins: [] } }))
    .body;
});
afterAll(async () => {
  expectNoCrashLogs(server);
  await server.stop();
  removeDir(server.dataDir);
});

async function assignedConversation(localAddress: string, maxChats = 1) {
  const agent = await createAgent(server.url, admin, { maxChats });
  const agentClient = await connectAgent(server.url, agent.token);
  await ok(emit(agentClient.socket, 'agent:status', { status: 'online' }));
  const visitor = await connectedVisitor(server.url, site.key, { localAddress });
  const { message } = await ok(
    emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'm1', text: 'you are all idiots' }),
  );
  const conversationId = message.conversationId;
  await eventually(async () => {
    const c = (await api(server.url, `/api/conversations/${conversationId}`, { token: admin })).body.conversation;
    expect(c.agentId).toBe(agent.agent.id);
  });
  // Go away so later tests' conversations do not land here.
  await ok(emit(agentClient.socket, 'agent:status', { status: 'away' }));
  return { agent, agentClient, visitor, conversationId };
}

describe('blocking a visitor', () => {
  it('the assigned agent blocks: conversation closed, sockets cut, visitor id and IP refused on that site only', async () => {
    const { agent, agentClient, visitor, conversationId } = await assignedConversation('127.0.0.2');
    const bystander = await createAgent(server.url, admin);

    // Anonymous and a not-assigned agent may not block.
    expect((await api(server.url, `/api/conversations/${conversationId}/block`, { body: {} })).status).toBe(401);
    const foreign = await api(server.url, `/api/conversations/${conversationId}/block`, {
      token: bystander.token,
      body: {},
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');

    let disconnected = false;
    visitor.socket.on('disconnect', () => {
      disconnected = true;
    });
    const res = await api(server.url, `/api/conversations/${conversationId}/block`, {
      token: agent.token,
      body: { reason: 'abusive language' },
    });
    expect(res.status).toBe(201);
    expect(res.body.block).toMatchObject({
      siteId: site.id,
      visitorId: visitor.session.visitorId,
      ip: '127.0.0.2',
      reason: 'abusive language',
      conversationId,
      createdBy: agent.agent.id,
    });
    expect(res.body.conversation.status).toBe('closed');
    await eventually(() => expect(disconnected).toBe(true));

    // The visitor saw the conversation end with a system message; the team sees the reason as a note.
    expect(visitor.messages.some((m) => m.author === 'system' && /closed/.test(m.text))).toBe(true);
    expect(visitor.messages.some((m) => m.internal || /abusive/.test(m.text))).toBe(false);
    const stored = (await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin })).body
      .messages as Message[];
    expect(stored.some((m) => m.internal && /abusive language/.test(m.text))).toBe(true);
    expect(stored.at(-1)).toMatchObject({ author: 'system', internal: false });

    // Their token from another address: refused (visitor id). A new visitor from their address: refused (IP).
    const sameToken = await visitorHandshake(
      server.url,
      { siteKey: site.key, visitorToken: visitor.session.visitorToken },
      { localAddress: '127.0.0.3' },
    );
    expect(sameToken).toEqual({ ok: false, code: 'blocked' });
    const sameIp = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.2' });
    expect(sameIp).toEqual({ ok: false, code: 'blocked' });
    // Polling transport too.
    const polling = await visitorHandshake(
      server.url,
      { siteKey: site.key, visitorToken: visitor.session.visitorToken },
      { transports: ['polling'] },
    );
    expect(polling).toEqual({ ok: false, code: 'blocked' });

    // Someone else, and the same address on another site, are fine.
    const other = await visitorHandshake(server.url, { siteKey: site.key }, { localAddress: '127.0.0.4' });
    expect(other.ok).toBe(true);
    if (other.ok) other.socket.close();
    const elsewhere = await visitorHandshake(server.url, { siteKey: otherSite.key }, { localAddress: '127.0.0.2' });
    expect(elsewhere.ok).toBe(true);
    if (elsewhere.ok) elsewhere.socket.close();
    agentClient.socket.close();
  });

  it('supervisors list and lift blocks; agents may not; lifting lets the visitor back in', async () => {
    const { agent, agentClient, visitor, conversationId } = await assignedConversation('127.0.0.5');
    const supervisor = await createAgent(server.url, admin, { role: 'supervisor' });
    const blocked = await api(server.url, `/api/conversations/${conversationId}/block`, {
      token: agent.token,
      body: {},
    });
    expect(blocked.status).toBe(201);
    const blockId = blocked.body.block.id as string;

    expect((await api(server.url, '/api/blocks')).status).toBe(401);
    expect((await api(server.url, '/api/blocks', { token: agent.token })).status).toBe(403);
    const list = await api(server.url, '/api/blocks', { token: supervisor.token });
    expect(list.status).toBe(200);
    expect(list.body.blocks.find((b: { id: string }) => b.id === blockId)).toMatchObject({
      visitorId: visitor.session.visitorId,
      ip: '127.0.0.5',
      createdByName: agent.agent.name,
    });

    expect((await api(server.url, `/api/blocks/${blockId}`, { method: 'DELETE', token: agent.token })).status).toBe(
      403,
    );
    expect(
      (await visitorHandshake(server.url, { siteKey: site.key, visitorToken: visitor.session.visitorToken })).ok,
    ).toBe(false);
    expect(
      (await api(server.url, `/api/blocks/${blockId}`, { method: 'DELETE', token: supervisor.token })).status,
    ).toBe(204);
    const again = await visitorHandshake(
      server.url,
      { siteKey: site.key, visitorToken: visitor.session.visitorToken },
      { localAddress: '127.0.0.5' },
    );
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(again.session.visitorId).toBe(visitor.session.visitorId);
      again.socket.close();
    }
    const gone = await api(server.url, `/api/blocks/${blockId}`, { method: 'DELETE', token: supervisor.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    agentClient.socket.close();
  });

  it('a supervisor may block the visitor of any conversation, even a queued one', async () => {
    const supervisor = await createAgent(server.url, admin, { role: 'supervisor' });
    const visitor = await connectedVisitor(server.url, site.key, { localAddress: '127.0.0.6' });
    const { message } = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'q1', text: 'spam spam' }),
    );
    const res = await api(server.url, `/api/conversations/${message.conversationId}/block`, {
      token: supervisor.token,
      body: { reason: 'spam' },
    });
    expect(res.status).toBe(201);
    expect(res.body.conversation.status).toBe('closed');
    await eventually(() => expect(visitor.socket.connected).toBe(false));
  });

  it('refuses bad block requests with a 4xx code', async () => {
    const cases: [string, Parameters<typeof api>[2], number, string][] = [
      ['/api/conversations/nope/block', { token: admin, body: {} }, 404, 'not_found'],
      ['/api/conversations/nope/block', { token: admin, body: { reason: 'x'.repeat(501) } }, 400, 'invalid_payload'],
      ['/api/conversations/nope/block', { token: admin, body: { reason: 42 } }, 400, 'invalid_payload'],
      ['/api/conversations/nope/block', { token: admin, rawBody: '{"reason":' }, 400, 'invalid_payload'],
      [`/api/conversations/${'x'.repeat(300)}/block`, { token: admin, body: {} }, 404, 'not_found'],
      ['/api/blocks/nope', { token: admin, method: 'DELETE' }, 404, 'not_found'],
    ];
    for (const [route, init, status, code] of cases) {
      const res = await api(server.url, route, init);
      expect(res.status, route).toBe(status);
      expect(res.body.error.code, route).toBe(code);
    }
  });
});

describe('behind a reverse proxy (X-Forwarded-For)', () => {
  /** A visitor who says something, then a supervisor's block of their conversation: the block's address. */
  async function blockedAddress(
    base: string,
    token: string,
    siteKey: string,
    from: Parameters<typeof connectedVisitor>[2],
  ) {
    const visitor = await connectedVisitor(base, siteKey, from);
    const { message } = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'x1', text: 'you are all idiots' }),
    );
    const res = await api(base, `/api/conversations/${message.conversationId}/block`, { token, body: {} });
    expect(res.status).toBe(201);
    return res.body.block.ip as string;
  }

  it('a block from behind a proxy on this host takes the visitor’s own address, and others behind it still get in', async () => {
    // Default PARLEY_TRUST_PROXY = loopback: the proxy (here 127.0.0.1) names the client in X-Forwarded-For.
    const proxied = { localAddress: '127.0.0.1' };
    const ip = await blockedAddress(server.url, admin, site.key, { ...proxied, forwardedFor: '203.0.113.7' });
    expect(ip).toBe('203.0.113.7');
    const again = await visitorHandshake(
      server.url,
      { siteKey: site.key },
      { ...proxied, forwardedFor: '203.0.113.7' },
    );
    expect(again).toEqual({ ok: false, code: 'blocked' });
    // Before, the block held the proxy's address and refused every visitor who came through it.
    for (const forwardedFor of ['203.0.113.8', '198.51.100.1, 203.0.113.9', undefined]) {
      const other = await visitorHandshake(server.url, { siteKey: site.key }, { ...proxied, forwardedFor });
      expect(other.ok, `through the proxy for ${forwardedFor ?? 'the proxy itself'}`).toBe(true);
      if (other.ok) other.socket.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: a blocked address cannot claim another', async () => {
    const strict = await startServer({ env: { PARLEY_TRUST_PROXY: '127.0.0.1' } });
    try {
      const token = await login(strict.url);
      const key = (await api(strict.url, '/api/sites', { token })).body.sites[0].key as string;
      const ip = await blockedAddress(strict.url, token, key, {
        localAddress: '127.0.0.9',
        forwardedFor: '198.51.100.2',
      });
      expect(ip).toBe('127.0.0.9');
      const disguised = await visitorHandshake(
        strict.url,
        { siteKey: key },
        { localAddress: '127.0.0.9', forwardedFor: '198.51.100.3' },
      );
      expect(disguised).toEqual({ ok: false, code: 'blocked' });
      // The trusted proxy's word still counts.
      const proxied = await visitorHandshake(
        strict.url,
        { siteKey: key },
        { localAddress: '127.0.0.1', forwardedFor: '198.51.100.3' },
      );
      expect(proxied.ok).toBe(true);
      if (proxied.ok) proxied.socket.close();
      expectNoCrashLogs(strict);
    } finally {
      await strict.stop();
      removeDir(strict.dataDir);
    }
  });

  it('refuses to start with a PARLEY_TRUST_PROXY it cannot read, and says which setting', async () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: 'loopback, not-an-address' })).toThrow(
      /PARLEY_TRUST_PROXY: .*not-an-address/,
    );
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: '10.0.0.0/8, false' })).toThrow(/PARLEY_TRUST_PROXY/);
  });
});
