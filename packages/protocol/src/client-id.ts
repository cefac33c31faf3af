/**
 * A new idempotency key for a message a client sends (`clientId`). `crypto.randomUUID` exists only in secure
 * contexts (https, localhost), so a page served over plain http gets a time + random fallback: it only has
 * to be unique per sender, which the server enforces.
 */
export function newClientId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
