import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ack,
  createTestDatabase,
  http,
  loginAs,
  services,
  siteKeyOf,
  visitorSocket,
  waitFor,
} from './helpers/cluster.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';

/**
 * A value the database refuses is logged at warn level ("input refused by the database"), but never with
 * what the visitor sent: PGlite attaches the statement's parameters to its errors and PostgreSQL quotes
 * the input around the failure (`where`: "JSON data, line 1: …"). Here a page context whose title holds
 * a lone UTF-16 surrogate (valid JSON for the socket, refused by jsonb) carries a name, an email and a
 * URL with personal query parameters; none of them may reach the log.
 */

const pg = await services({ postgres: true });

const PRIVATE = {
  email: 'jo.private.visitor@example.com',
  name: 'Joanna Privatesurname',
  url: 'https://shop.example/account?email=jo.private.visitor%40example.com&ref=secret-campaign-77',
};

const stores = [
  { store: 'PGlite', database: async () => null },
  ...(pg.run ? [{ store: 'PostgreSQL', database: createTestDatabase }] : []),
];

describe.each(stores)('no visitor data in warn-level logs ($store)', ({ database }) => {
  let server: RunningServer | undefined;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  let visitor: Socket | undefined;

  beforeAll(async () => {
    pg.assert();
    db = await database();
    server = await startServer({ env: db ? { DATABASE_URL: db.url } : {} });
  });
  afterAll(async () => {
    visitor?.disconnect();
    await server?.stop();
    if (server) removeDir(server.dataDir);
    await db?.drop();
  });

  it('refuses the value with invalid_payload and logs the refusal without the visitor data', async () => {
    const base = server!.url;
    const siteKey = await siteKeyOf(base, await loginAs(base));
    visitor = await visitorSocket(base, siteKey);
    expect(await ack(visitor, 'visitor:update', { name: PRIVATE.name, email: PRIVATE.email })).toMatchObject({
      ok: true,
    });
    const refused = await ack(visitor, 'visitor:context', {
      url: PRIVATE.url,
      title: `Orders of ${PRIVATE.name} (${PRIVATE.email}) \uD800`,
      referrer: PRIVATE.url,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // The same refusal over HTTP is not needed: both adapters log through the one error serializer.
    expect((await http(base, '/healthz')).status).toBe(200);

    const warned = await waitFor('the refusal in the log', () =>
      server!.logs.find((l) => l.msg === 'input refused by the database'),
    );
    expect(warned).toMatchObject({ level: 40, err: { code: '22P02' } });
    const logged = JSON.stringify(server!.logs);
    for (const secret of ['jo.private.visitor', 'Joanna', 'Privatesurname', 'secret-campaign-77', 'shop.example'])
      expect(logged).not.toContain(secret);
  });
});
