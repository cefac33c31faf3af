import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, setToken } from './api.js';

function answer(status: number, body?: unknown) {
  const fetch = vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('api', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setToken(null);
  });

  it('calls a route by its key: method, params, query and the bearer token', async () => {
    setToken('t0k');
    const fetch = answer(200, { conversations: [], nextCursor: null });
    const page = await api('GET /api/conversations', { query: { status: 'open', limit: 200 } });
    expect(page.nextCursor).toBeNull();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/conversations?status=open&limit=200');
    expect(init.method).toBe('GET');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer t0k');
  });

  it('sends a JSON body and fills in path params', async () => {
    const fetch = answer(204);
    await api('PATCH /api/canned/:id', { params: { id: 'a/b' }, body: { text: 'Hi' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect([url, init.method, init.body]).toEqual(['/api/canned/a%2Fb', 'PATCH', '{"text":"Hi"}']);
  });

  it('turns an error answer into an ApiError with its code', async () => {
    answer(409, { error: { code: 'conflict', message: 'Taken' } });
    const failed = api('POST /api/canned', { body: { shortcut: 'hi', text: 'Hello' } });
    await expect(failed).rejects.toBeInstanceOf(ApiError);
    await expect(failed).rejects.toMatchObject({ status: 409, code: 'conflict', message: 'Taken' });
  });
});

/** Compile-time checks (`pnpm typecheck`): each marked line must fail to compile, or tsc reports it. */
export async function typeChecks() {
  // @ts-expect-error: not a route of the protocol
  await api('GET /api/conversation/:id', { params: { id: 'c' } });
  // @ts-expect-error: the route needs its path param
  await api('GET /api/conversations/:id');
  // @ts-expect-error: a body of the wrong shape
  await api('POST /api/auth/login', { body: { user: 'a' } });
  const detail = await api('GET /api/conversations/:id', { params: { id: 'c' } });
  detail.conversation.id satisfies string;
  // @ts-expect-error: the response type follows from the route key
  void detail.messages;
}
