import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether the hop at `address` (0 = the TCP peer) is a proxy whose X-Forwarded-For is believed. */
export type TrustProxy = (address: string, hop: number) => boolean;

/** Normalises a socket address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes `1.2.3.4`. */
export function normalizeIp(address: string | undefined | null): string | null {
  if (!address) return null;
  const trimmed = address.trim().slice(0, 64);
  if (!trimmed) return null;
  return trimmed.toLowerCase().startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

const TRUST_NONE: TrustProxy = () => false;

/**
 * PARLEY_TRUST_PROXY → a trust function, in the syntax of Express's `trust proxy`: comma-separated
 * addresses and CIDR subnets, or the names `loopback`, `linklocal`, `uniquelocal`; `false` or `none`
 * trusts no proxy (X-Forwarded-For is then ignored). Throws a TypeError on an address it cannot read.
 */
export function trustProxyFrom(setting: string): TrustProxy {
  const entries = setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0 || (entries.length === 1 && ['false', 'none'].includes(entries[0]!))) return TRUST_NONE;
  return proxyaddr.compile(entries);
}

/**
 * The address of the client behind a request: the TCP peer, or, when the peer is a trusted proxy, the
 * nearest address in X-Forwarded-For that is not itself trusted. Used alike for HTTP (Express's req.ip),
 * socket handshakes (address blocks) and the per-IP connection cap, so that behind nginx a block or a
 * cap applies to one visitor rather than to everyone who comes through the proxy.
 */
export function clientAddress(request: IncomingMessage, trust: TrustProxy): string | null {
  return normalizeIp(proxyaddr(request, trust));
}

const resolved = new WeakMap<object, string | null>();

/**
 * The client address of one engine.io connection, resolved from its handshake request the first time it
 * is asked for and kept with the connection: the connection guard asks at once, while the request's TCP
 * socket is open, and a long-polling session's later requests may come over other sockets.
 */
export function connectionAddress(connection: { request: IncomingMessage }, trust: TrustProxy): string | null {
  let address = resolved.get(connection);
  if (address === undefined) {
    address = clientAddress(connection.request, trust);
    resolved.set(connection, address);
  }
  return address;
}
