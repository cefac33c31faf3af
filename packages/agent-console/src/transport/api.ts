import { type RestRequest, type RestResponse, type RestRoute, restUrl } from '@parley/protocol/rest';

/** REST client: JSON in and out, bearer token from the login, `{error:{code,message}}` → ApiError. */

const TOKEN_KEY = 'parley.console.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The bearer token, read from localStorage on first use (undefined: not read yet). */
let token: string | null | undefined;
let onUnauthorized: (() => void) | null = null;

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  if (token === undefined) token = readToken();
  return token;
}

export function setToken(value: string | null) {
  token = value;
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // private mode: keep it in memory only
  }
}

export function whenUnauthorized(fn: () => void) {
  onUnauthorized = fn;
}

/** The error of a failed answer (`{error:{code,message}}`); a 401 to a signed-in agent ends the session. */
export function responseError(status: number, statusText: string, data: unknown, sentToken: boolean): ApiError {
  const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
  if (status === 401 && sentToken && onUnauthorized) onUnauthorized();
  return new ApiError(status, error?.code ?? 'error', error?.message || statusText || 'Request failed');
}

/** What `api()` takes besides the route: nothing, or the params, query and body the route declares. */
type ApiArgs<R extends RestRoute> =
  object extends RestRequest<R> ? [request?: RestRequest<R>] : [request: RestRequest<R>];

/**
 * Calls a REST route of the protocol by its key (`'GET /api/conversations/:id'`); the request and the answer
 * are typed by the protocol's route map (`@parley/protocol/rest`).
 */
export async function api<R extends RestRoute>(route: R, ...[request]: ApiArgs<R>): Promise<RestResponse<R>> {
  const { params, query, body } = (request ?? {}) as {
    params?: Record<string, string>;
    query?: object;
    body?: unknown;
  };
  const { method, url } = restUrl(route, { params, query });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const bearer = getToken();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
  }
  if (res.status === 204) return undefined as RestResponse<R>;
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw responseError(res.status, res.statusText, data, !!bearer);
  return data as RestResponse<R>;
}

/** The text a toast or a form shows for a failed request. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
