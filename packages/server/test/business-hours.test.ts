import type { BusinessHours, Conversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { api, connectAgent, connectVisitor, createAgent, emit, eventually, ok, sleep } from './helpers/clients.js';
import { useServer } from './helpers/fixtures.js';

/**
 * Business hours through the real server: `PATCH /api/sites/:id {settings: {hours}}` is validated strictly,
 * and `GET /api/widget/config` answers `open`/`nextOpenAt` by the server's clock, which PARLEY_NOW starts at
 * Monday 7 December 2026, 14:30 UTC (09:30 in New York, 23:30 in Tokyo, 15:30 in Paris).
 */

const NOW = '2026-12-07T14:30:00Z';
const nineToFive = [{ start: '09:00', end: '17:00' }];
const hoursIn = (timezone: string, holidays: string[] = []): BusinessHours => ({
  timezone,
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays,
});

describe('business hours', () => {
  const server = useServer({ PARLEY_NOW: NOW });

  const site = async () => (await api(server.url, '/api/sites', { token: server.admin })).body.sites[0];
  const setHours = (id: string, hours: BusinessHours | null | Record<string, unknown>) =>
    api(server.url, `/api/sites/${id}`, { method: 'PATCH', token: server.admin, body: { settings: { hours } } });
  const widgetConfig = async (key: string) => {
    const res = await api(server.url, `/api/widget/config?siteKey=${key}`);
    expect(res.status).toBe(200);
    return res.body as { open: boolean; nextOpenAt: string | null; hours?: BusinessHours };
  };

  it('answers open or closed, and the next opening, by the server clock in the site’s zone', async () => {
    const { id, key } = await site();
    expect(await widgetConfig(key)).toMatchObject({ open: true, nextOpenAt: null }); // no hours: always open

    expect((await setHours(id, hoursIn('America/New_York'))).status).toBe(200);
    expect(await widgetConfig(key)).toMatchObject({ open: true, nextOpenAt: null }); // 09:30 Monday

    expect((await setHours(id, hoursIn('Asia/Tokyo'))).status).toBe(200);
    // 23:30 Monday in Tokyo: back Tuesday 09:00 JST
    expect(await widgetConfig(key)).toMatchObject({ open: false, nextOpenAt: '2026-12-08T00:00:00.000Z' });

    // a holiday in New York today (a local day): closed until Tuesday 09:00 EST
    expect((await setHours(id, hoursIn('America/New_York', ['2026-12-07']))).status).toBe(200);
    expect(await widgetConfig(key)).toMatchObject({ open: false, nextOpenAt: '2026-12-08T14:00:00.000Z' });

    // hours: null removes them: always open again, and the widget sees no hours at all
    expect((await setHours(id, null)).status).toBe(200);
    const config = await widgetConfig(key);
    expect(config).toMatchObject({ open: true, nextOpenAt: null });
    expect(config.hours).toBeUndefined();
    expect((await site()).settings.hours).toBeUndefined();
  });

  it('refuses invalid hours with 400 invalid_payload and changes nothing', async () => {
    const { id, key } = await site();
    const good = hoursIn('Europe/Paris', ['2026-12-25']);
    expect((await setHours(id, good)).status).toBe(200);
    const before = await site();

    const bad: [string, Record<string, unknown>][] = [
      ['an unknown timezone', { ...good, timezone: 'Mars/Olympus_Mons' }],
      ['a time that is not HH:MM', { ...good, weekly: { ...good.weekly, mon: [{ start: '9:00', end: '17:00' }] } }],
      ['a time past 24:00', { ...good, weekly: { ...good.weekly, tue: [{ start: '09:00', end: '24:30' }] } }],
      [
        'a range that ends before it starts',
        { ...good, weekly: { ...good.weekly, wed: [{ start: '17:00', end: '09:00' }] } },
      ],
      ['an empty range', { ...good, weekly: { ...good.weekly, thu: [{ start: '09:00', end: '09:00' }] } }],
      ['an unknown weekday', { ...good, weekly: { ...good.weekly, mon2: [] } }],
      ['a missing weekday', { ...good, weekly: { mon: nineToFive } }],
      ['an unknown key', { ...good, breaks: [] }],
      [
        'an unknown key in a range',
        { ...good, weekly: { ...good.weekly, fri: [{ start: '09:00', end: '17:00', tz: 'UTC' }] } },
      ],
      ['a holiday that is no date', { ...good, holidays: ['2026-13-45'] }],
    ];
    for (const [what, hours] of bad) {
      const res = await setHours(id, hours);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('invalid_payload');
    }
    expect(await site()).toEqual(before);
    // Paris at 15:30 on Monday: still open under the hours that were kept
    expect(await widgetConfig(key)).toMatchObject({ open: true, nextOpenAt: null });
    expect((await setHours(id, null)).status).toBe(200);
  });

  it('outside hours, keeps a visitor’s message queued until an online agent takes it; away agents get none', async () => {
    const { id, key } = await site();
    expect((await setHours(id, hoursIn('Asia/Tokyo'))).status).toBe(200);
    expect((await widgetConfig(key)).open).toBe(false);

    const away = await createAgent(server.url, server.admin, { name: 'Away' });
    const awayClient = await connectAgent(server.url, away.token);
    await ok(emit(awayClient.socket, 'agent:status', { status: 'away' }));

    const visitor = await connectVisitor(server.url, key);
    const sent = await ok(
      emit<{ message: Message }>(visitor.socket, 'message:send', { clientId: 'after-hours-1', text: 'anyone there?' }),
    );
    const conversationId = sent.message.conversationId;
    const conversation = async (): Promise<Conversation> =>
      (await api(server.url, `/api/conversations/${conversationId}`, { token: server.admin })).body.conversation;
    await sleep(300); // a routing pass would have run by now
    expect((await conversation()).status).toBe('queued');
    expect(awayClient.assigned).toHaveLength(0);
    const stored = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: server.admin });
    expect(stored.body.messages.map((m: Message) => m.text)).toEqual(['anyone there?']);

    // an agent who is online outside hours chooses to take chats: the queued conversation goes to them
    const online = await createAgent(server.url, server.admin, { name: 'Night owl' });
    const onlineClient = await connectAgent(server.url, online.token);
    await ok(emit(onlineClient.socket, 'agent:status', { status: 'online' }));
    await eventually(() => expect(onlineClient.assigned.map((c) => c.id)).toContain(conversationId));
    expect((await conversation()).agentId).toBe(online.agent.id);
    expect(awayClient.assigned).toHaveLength(0);

    for (const s of [visitor.socket, awayClient.socket, onlineClient.socket]) s.close();
    expect((await setHours(id, null)).status).toBe(200);
  });
});
