import { describe, expect, it } from 'vitest';
import { api } from './helpers/clients.js';
import { useServer } from './helpers/fixtures.js';

/** Site settings are validated strictly: an unknown key is a 400 `invalid_payload` and changes nothing. */

describe('strict site settings', () => {
  const server = useServer();

  it('refuses an unknown settings key, names it, and leaves the site as it was', async () => {
    const { body: list } = await api(server.url, '/api/sites', { token: server.admin });
    const site = list.sites[0];
    const before = (await api(server.url, `/api/sites/${site.id}`, { token: server.admin })).body.site;

    const typo = await api(server.url, `/api/sites/${site.id}`, {
      method: 'PATCH',
      token: server.admin,
      body: { settings: { color: '#112233', colour: '#445566' } },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe('invalid_payload');
    expect(typo.body.error.message).toContain('colour');

    const topLevel = await api(server.url, `/api/sites/${site.id}`, {
      method: 'PATCH',
      token: server.admin,
      body: { name: 'Renamed', origins: ['https://example.com'] },
    });
    expect(topLevel.status).toBe(400);
    expect(topLevel.body.error.code).toBe('invalid_payload');

    const after = (await api(server.url, `/api/sites/${site.id}`, { token: server.admin })).body.site;
    expect(after).toEqual(before);
  });

  it('refuses an unknown key when a site is created, and creates nothing', async () => {
    const count = async () => (await api(server.url, '/api/sites', { token: server.admin })).body.sites.length;
    const sitesBefore = await count();
    const res = await api(server.url, '/api/sites', {
      token: server.admin,
      body: { name: 'Shop', allowedOrigins: ['https://shop.example'], settings: { greting: 'Hi' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
    expect(await count()).toBe(sitesBefore);

    const ok = await api(server.url, '/api/sites', {
      token: server.admin,
      body: { name: 'Shop', allowedOrigins: ['https://shop.example'], settings: { greeting: 'Hi' } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.settings.greeting).toBe('Hi');
  });
});
