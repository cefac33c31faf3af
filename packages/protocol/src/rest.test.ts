import { describe, expect, it } from 'vitest';
import { type RestRequest, type RestResponse, type RestRoute, restUrl } from './rest.js';
import { REST_ROUTES } from './rest-routes.js';

describe('restUrl', () => {
  it('fills path params, encoded, and appends only the query values given', () => {
    expect(restUrl('GET /api/conversations/:id', { params: { id: 'a b/c' } })).toEqual({
      method: 'GET',
      url: '/api/conversations/a%20b%2Fc',
    });
    expect(restUrl('GET /api/conversations', { query: { status: 'open', limit: 20, cursor: undefined } })).toEqual({
      method: 'GET',
      url: '/api/conversations?status=open&limit=20',
    });
    expect(restUrl('POST /api/auth/login')).toEqual({ method: 'POST', url: '/api/auth/login' });
  });

  it('declares every route with a method the server mounts and a path under /api', () => {
    for (const route of Object.keys(REST_ROUTES) as RestRoute[]) {
      expect(route).toMatch(/^(GET|POST|PATCH|DELETE) \/api\/[\w/:]+$/);
    }
  });
});

// Compile-time checks (`pnpm typecheck` fails when one of these stops being an error).
export function typeChecks(detail: RestResponse<'GET /api/conversations/:id'>) {
  const ok: RestRequest<'PATCH /api/canned/:id'> = { params: { id: 'c1' }, body: { text: 'hi' } };
  // @ts-expect-error a route that does not exist
  const unknownRoute: RestRoute = 'GET /api/nope';
  // @ts-expect-error the path param is required
  const noParams: RestRequest<'GET /api/sites/:id'> = {};
  // @ts-expect-error the body must match the route's schema
  const badBody: RestRequest<'POST /api/auth/login'> = { body: { email: 'a@b.c' } };
  // @ts-expect-error the response type follows from the route
  const wrong: string = detail.conversation;
  return [ok, unknownRoute, noParams, badBody, wrong];
}
