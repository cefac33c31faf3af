/**
 * Every HTTP route the server exposes, with who may call it. The security and fuzz suites iterate over
 * this table; security-roles.test.ts checks it against the live Express router so a new route cannot
 * be added without being listed (and so tested) here.
 */
export type Access = 'public' | 'agent' | 'supervisor' | 'admin';
export type RouteSpec = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; access: Access };

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/healthz', access: 'public' },
  { method: 'GET', path: '/readyz', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'public' },
  { method: 'POST', path: '/api/auth/login', access: 'public' },
  { method: 'POST', path: '/api/auth/logout', access: 'agent' },
  { method: 'GET', path: '/api/me', access: 'agent' },
  { method: 'POST', path: '/api/me/password', access: 'agent' },
  { method: 'PATCH', path: '/api/me', access: 'agent' },
  // A mail provider with the webhook's own bearer secret (404 while PARLEY_INBOUND_WEBHOOK_SECRET is unset).
  { method: 'POST', path: '/api/email/inbound', access: 'public' },
  { method: 'GET', path: '/api/sites', access: 'agent' },
  { method: 'GET', path: '/api/sites/:id', access: 'admin' },
  { method: 'POST', path: '/api/sites', access: 'admin' },
  { method: 'PATCH', path: '/api/sites/:id', access: 'admin' },
  { method: 'GET', path: '/api/agents', access: 'agent' },
  { method: 'POST', path: '/api/agents', access: 'admin' },
  { method: 'PATCH', path: '/api/agents/:id', access: 'admin' },
  { method: 'GET', path: '/api/conversations', access: 'agent' },
  { method: 'GET', path: '/api/conversations/:id', access: 'agent' },
  { method: 'GET', path: '/api/conversations/:id/messages', access: 'agent' },
  { method: 'POST', path: '/api/conversations/:id/block', access: 'agent' },
  { method: 'GET', path: '/api/blocks', access: 'supervisor' },
  { method: 'DELETE', path: '/api/blocks/:id', access: 'supervisor' },
  { method: 'GET', path: '/api/canned', access: 'agent' },
  { method: 'POST', path: '/api/canned', access: 'admin' },
  { method: 'PATCH', path: '/api/canned/:id', access: 'admin' },
  { method: 'DELETE', path: '/api/canned/:id', access: 'admin' },
  { method: 'GET', path: '/api/stats', access: 'supervisor' },
  { method: 'GET', path: '/api/stats/live', access: 'supervisor' },
  { method: 'GET', path: '/api/widget/config', access: 'public' },
  // A visitor (its own header) or any agent; no role above agent is needed.
  { method: 'POST', path: '/api/uploads', access: 'agent' },
  // A signature in the URL or the uploader's headers decide; anyone else gets 404, never 401.
  { method: 'GET', path: '/api/uploads/:id', access: 'public' },
  { method: 'GET', path: '/api/uploads/:id/thumbnail', access: 'public' },
  { method: 'GET', path: '/widget.js', access: 'public' },
  { method: 'GET', path: '/widget/*', access: 'public' },
  { method: 'GET', path: '/console/*', access: 'public' },
  { method: 'GET', path: '/', access: 'public' },
  // A magic link from an email (a regex route: the live-router check above does not see it).
  { method: 'GET', path: '/r/*', access: 'public' },
];

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD) so any string fits in a path. */
export function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

export function fillPath(path: string, id: string): string {
  return path.replace(':id', id).replace('*', id);
}
