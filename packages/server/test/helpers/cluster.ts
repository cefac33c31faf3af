import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { ADMIN, type RunningServer, startServer } from './server.js';

/**
 * Helpers for multi-process tests: shared services (Redis, PostgreSQL), a throwaway redis-server that a
 * test may restart, N Parley processes sharing them, and thin HTTP/Socket.IO clients.
 */

export const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const IN_CI = process.env.CI === 'true';

export const uniqueName = (what: string) => `${what}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
export const testPrefix = () => `parley-test-${randomBytes(5).toString('hex')}:`;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

export const redisReachable = () =>
  reachable(async () => {
    const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1500, reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    await client.ping();
    client.destroy();
  });

export const postgresReachable = () =>
  reachable(async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 1500 });
    await client.connect();
    await client.end();
  });

/**
 * Whether tests needing these services can run. Missing services skip the suite locally, but with CI=true
 * they are a failure: the returned `missing` is thrown from beforeAll.
 */
export async function services(needs: { redis?: boolean; postgres?: boolean; nginx?: boolean }) {
  const missing: string[] = [];
  if (needs.redis && !(await redisReachable())) missing.push(`Redis at ${REDIS_URL}`);
  if (needs.postgres && !(await postgresReachable())) missing.push(`PostgreSQL at ${PG_ADMIN_URL}`);
  if (needs.nginx && !(await commandExists('nginx', ['-v']))) missing.push('nginx (apt-get install -y nginx)');
  return {
    /** true → run the suite; false → skip it (only outside CI). */
    run: missing.length === 0 || IN_CI,
    assert() {
      if (missing.length) throw new Error(`required services are missing: ${missing.join(', ')}`);
    },
  };
}

export function commandExists(cmd: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** A fresh PostgreSQL database for one test file; drop() removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName('parley_test');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Deletes every key under a prefix (never FLUSHALL: the Redis is shared). */
export async function deletePrefix(redisUrl: string, prefix: string) {
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
    if (keys.length) await client.del(keys);
  client.destroy();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A private redis-server child process on its own port, which a test may stop and start again. */
export async function startOwnRedis() {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const up = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await reachableAt(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not start`);
  };
  const down = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
  };
  await up();
  return { port, url, start: up, stop: down };
}

function reachableAt(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export type Cluster = {
  nodes: RunningServer[];
  env: Record<string, string>;
  /** Starts one more process with the same environment. */
  add(): Promise<RunningServer>;
  stop(): Promise<void>;
};

/** Starts `n` Parley processes sharing one database and one Redis (the first alone: it bootstraps). */
export async function startCluster(opts: {
  n: number;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  graceMs?: number;
  env?: Record<string, string>;
}): Promise<Cluster> {
  const env = {
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    PARLEY_REDIS_PREFIX: opts.prefix,
    PARLEY_REASSIGN_GRACE_MS: String(opts.graceMs ?? 30_000),
    PARLEY_VISITOR_MSG_LIMIT: '1000',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const nodes: RunningServer[] = [];
  const add = async () => {
    const node = await startServer({ env });
    nodes.push(node);
    return node;
  };
  await add();
  await Promise.all(Array.from({ length: opts.n - 1 }, add));
  return {
    nodes,
    env,
    add,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    },
  };
}

// ---- thin clients ----

export async function http(base: string, route: string, init: { token?: string; body?: unknown } = {}) {
  const res = await fetch(base + route, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as Record<string, unknown> & { [k: string]: unknown } };
}

export async function loginAs(base: string, email = ADMIN.email, password = ADMIN.password): Promise<string> {
  const res = await http(base, '/api/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.token);
}

export async function siteKeyOf(base: string, token: string): Promise<string> {
  const res = await http(base, '/api/sites', { token });
  return (res.body.sites as { key: string }[])[0]!.key;
}

export async function addAgent(base: string, adminToken: string, name: string, maxChats: number) {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomBytes(3).toString('hex')}@example.com`;
  const password = 'agent-password-1';
  const res = await http(base, '/api/agents', {
    token: adminToken,
    body: { email, name, password, role: 'agent', maxChats },
  });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  const agent = (res.body.agent ?? res.body) as { id: string; name: string };
  return { id: agent.id, name, email, password };
}

export type AgentLoad = { id: string; name: string; status: string; load: number; maxChats: number };
export async function agentLoads(base: string, token: string): Promise<AgentLoad[]> {
  const res = await http(base, '/api/agents', { token });
  return res.body.agents as AgentLoad[];
}

type Ack = { ok: boolean; error?: { code: string; message?: string } } & Record<string, unknown>;

export async function ack<T = Ack>(socket: Socket, event: string, payload?: unknown, timeoutMs = 10_000): Promise<T> {
  return (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as T;
}

export async function okAck<T = Ack>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  const res = (await ack<Ack>(socket, event, payload)) as Ack;
  if (!res.ok) throw new Error(`${event} failed: ${JSON.stringify(res.error)}`);
  return res as T;
}

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

type Transport = 'websocket' | 'polling';

type ConnectOptions = { transports?: Transport[]; localAddress?: string };
const options = (o: ConnectOptions) => ({
  transports: o.transports ?? ['websocket'],
  forceNew: true,
  reconnection: false,
  ...(o.localAddress ? { localAddress: o.localAddress } : {}),
});

export function visitorSocket(base: string, siteKey: string, o: ConnectOptions = {}) {
  return connected(io(`${base}/visitor`, { auth: { siteKey }, ...options(o) }));
}

export function agentSocket(base: string, token: string, o: ConnectOptions = {}) {
  return connected(io(`${base}/agent`, { auth: { token }, ...options(o) }));
}

/** Collects every payload of one event on a socket. */
export function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

// ---- nginx in front of a cluster ----

const NGINX_SITE = fileURLToPath(new URL('../../../../deploy/nginx/parley.conf', import.meta.url));

/**
 * Runs nginx as a foreground child with deploy/nginx/parley.conf, its upstream servers and listen
 * address rewritten to loopback ports; everything else in the file is used as shipped.
 */
export async function startNginx(upstreamPorts: number[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const site = readFileSync(NGINX_SITE, 'utf8')
    .replace(/^(\s*)server 127\.0\.0\.1:\d+[^;]*;\n/gm, '')
    .replace(
      /(hash \$remote_addr consistent;\n)/,
      (m) => `${m}${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;\n`).join('')}`,
    )
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  writeFileSync(path.join(dir, 'parley.conf'), site);
  const temp = (name: string) => `${name} ${path.join(dir, name.replace('_path', ''))};`;
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  ${['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'].map(temp).join('\n  ')}
  include ${path.join(dir, 'parley.conf')};
}
`,
  );
  const child = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`nginx on ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    return (await fetch(`${url}/healthz`)).ok;
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
