import {
  type Agent,
  REST_ROUTES,
  type RestAccess,
  type RestParams,
  type RestResponse,
  type RestRoute,
  type Role,
} from '@parley/protocol';
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { AuthService } from '../domain/auth-service.js';
import { parseInput } from '../domain/errors.js';
import { authenticate } from './auth.js';

type Spec<R extends RestRoute> = (typeof REST_ROUTES)[R];
/** A route's query or body after its protocol schema parsed it; undefined for a route without one. */
type Parsed<R extends RestRoute, K extends 'query' | 'body'> =
  Spec<R> extends { [key in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

type Authenticated<R extends RestRoute, T> = Spec<R>['access'] extends 'public' ? undefined : T;

/**
 * What a handler gets: its input parsed with the route's schemas; on a non-public route, the logged-in
 * agent and their bearer token.
 */
export type RestInput<R extends RestRoute> = {
  params: RestParams<R>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  agent: Authenticated<R, Agent>;
  token: Authenticated<R, string>;
  req: Request;
  res: Response;
};

/** A route's handler: it answers the response type the protocol declares for the route. */
export type RestHandler<R extends RestRoute> = (input: RestInput<R>) => Promise<RestResponse<R>> | RestResponse<R>;

/** Handlers for some routes (one module's share); `RestHandlers<RestRoute>` is the whole surface. */
export type RestHandlers<R extends RestRoute> = { [K in R]: RestHandler<K> };

/** How a refusal names the request's input. */
const BODY = { root: 'body', nul: 'NUL characters are not allowed' };

const ROLES: Record<RestAccess, Role[] | null> = {
  public: null,
  agent: [],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
};

/**
 * Mounts every route of the protocol's REST table on one Express router: the access check, the query and
 * body parsed with the route's schemas (a refusal is `invalid_payload`), then the handler, whose answer
 * goes out as JSON with the route's status (204: no body).
 */
export function createRestRouter(auth: AuthService, handlers: RestHandlers<RestRoute>): Router {
  const router = Router();
  for (const route of Object.keys(REST_ROUTES) as RestRoute[]) mount(router, auth, route, handlers[route]);
  return router;
}

function mount<R extends RestRoute>(router: Router, auth: AuthService, route: R, handler: RestHandler<R>) {
  const spec: { access: RestAccess; query?: z.ZodType; body?: z.ZodType; status?: number } = REST_ROUTES[route];
  const [method, path] = route.split(' ') as [string, string];
  const roles = ROLES[spec.access];
  const answer = async (req: Request, res: Response) => {
    const session = roles ? await authenticate(auth, req, roles) : undefined;
    const input = {
      params: req.params,
      query: spec.query ? parseInput(spec.query, req.query, BODY) : undefined,
      body: spec.body ? parseInput(spec.body, req.body, BODY) : undefined,
      agent: session?.agent,
      token: session?.token,
      req,
      res,
    } as RestInput<R>;
    const result = await handler(input);
    if (spec.status === 204) res.status(204).end();
    else res.status(spec.status ?? 200).json(result);
  };
  router[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path, answer);
}
