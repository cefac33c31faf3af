import type { z } from 'zod';
import type {
  Agent,
  AgentStatus,
  CannedResponse,
  Conversation,
  LiveStats,
  Message,
  PeriodStats,
  PublicSiteConfig,
  Site,
  VisitorBlock,
  VisitorProfile,
} from './entities.js';
import type { REST_ROUTES } from './rest-routes.js';

/**
 * The REST surface, keyed `'METHOD /path/:param'`: `REST_ROUTES` (rest-routes.ts) holds what the server needs
 * at run time (who may call a route, its input schemas, its success status), `RestResponses` the answer's
 * type. The server mounts its handlers from that table and the clients' `api()` infers the response type
 * from the key, so a route cannot change shape on one side only. This file holds no zod at run time: clients
 * import it without shipping the schemas.
 */

export type RestRoute = keyof typeof REST_ROUTES;

/** A site as its admins see it: with the identity-verification secret. */
export type SiteWithSecret = Site & { identitySecret: string };
/** An agent with live status and current load (transfer pickers, the supervisor's floor view). */
export type AgentWithPresence = Agent & { status: AgentStatus | 'offline'; load: number };
/** `GET /api/conversations/:id`: the conversation, its visitor and that visitor's earlier conversations. */
export type ConversationDetail = {
  conversation: Conversation;
  visitor: VisitorProfile | null;
  pastConversations: Conversation[];
};
export type ConversationPage = { conversations: Conversation[]; nextCursor: string | null };
export type LoginResult = { token: string; agent: Agent; expiresAt: string };

/** The success answer of every route. */
export type RestResponses = {
  'POST /api/auth/login': LoginResult;
  'POST /api/auth/logout': { ok: true };
  'GET /api/me': { agent: Agent };
  'POST /api/me/password': { ok: true };
  'PATCH /api/me': { agent: Agent };
  /** `duplicate`: that Message-ID was taken in before; `ignored`: an auto-reply or bounce, dropped. */
  'POST /api/email/inbound': { status: 'appended' | 'duplicate' | 'ignored' };
  'GET /api/widget/config': PublicSiteConfig;
  'GET /api/sites': { sites: Site[] };
  'GET /api/sites/:id': { site: SiteWithSecret };
  'POST /api/sites': SiteWithSecret;
  'PATCH /api/sites/:id': { site: SiteWithSecret };
  'GET /api/agents': { agents: AgentWithPresence[] };
  'POST /api/agents': Agent;
  'PATCH /api/agents/:id': { agent: Agent };
  'GET /api/conversations': ConversationPage;
  'GET /api/conversations/:id': ConversationDetail;
  'GET /api/conversations/:id/messages': { messages: Message[] };
  'POST /api/conversations/:id/block': { block: VisitorBlock; conversation: Conversation };
  'GET /api/blocks': { blocks: VisitorBlock[] };
  'DELETE /api/blocks/:id': undefined;
  'GET /api/canned': { canned: CannedResponse[] };
  'POST /api/canned': { canned: CannedResponse };
  'PATCH /api/canned/:id': { canned: CannedResponse };
  'DELETE /api/canned/:id': undefined;
  'GET /api/stats': PeriodStats;
  'GET /api/stats/live': LiveStats;
};

/** `'GET /api/sites/:id'` → `'id'`. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
type PathOf<R extends string> = R extends `${string} ${infer P}` ? P : never;
type Spec<R extends RestRoute> = (typeof REST_ROUTES)[R];
type InputOf<R extends RestRoute, K extends 'query' | 'body'> =
  Spec<R> extends { [key in K]: infer S extends z.ZodType } ? z.input<S> : undefined;

export type RestParams<R extends RestRoute> = { [N in ParamNames<PathOf<R>>]: string };
export type RestQuery<R extends RestRoute> = InputOf<R, 'query'>;
export type RestBody<R extends RestRoute> = InputOf<R, 'body'>;
export type RestResponse<R extends RestRoute> = RestResponses[R];

/** What a client passes for a route: only the parts the route has (path params, query, body). */
export type RestRequest<R extends RestRoute> = ([ParamNames<PathOf<R>>] extends [never]
  ? { params?: undefined }
  : { params: RestParams<R> }) &
  (RestQuery<R> extends undefined ? { query?: undefined } : { query?: RestQuery<R> }) &
  (RestBody<R> extends undefined ? { body?: undefined } : { body: RestBody<R> });

/** Splits a route key into its method and a URL with the params filled in and the query appended. */
export function restUrl<R extends RestRoute>(
  route: R,
  request: { params?: Record<string, string> | undefined; query?: object | undefined } = {},
): { method: string; url: string } {
  const space = route.indexOf(' ');
  const method = route.slice(0, space);
  let url = route
    .slice(space + 1)
    .replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const query = Object.entries(request.query ?? {}).filter(([, value]) => value !== undefined && value !== null);
  if (query.length > 0)
    url += `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  return { method, url };
}

/** Compile-time check: every route has a declared response. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyRouteAnswers: Exact<RestRoute, keyof RestResponses> = true;
void _everyRouteAnswers;
