import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Conversation, Message } from '@parley/protocol';
import { type RestRequest, type RestResponse, type RestRoute, restUrl } from '@parley/protocol/rest';
import { io, type Socket } from 'socket.io-client';

/**
 * Spawns the real, built Parley server (packages/server/dist/main.js) on a random port with a fresh
 * DATA_DIR, waits for its `"msg":"listening"` log line, and kills it on stop().
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Where the screenshot tests write: docs/screenshots/ (the README's pictures) only with
 * PARLEY_UPDATE_SCREENSHOTS=1, a temporary folder otherwise, so that a test run leaves the tracked files alone.
 */
export const SCREENSHOT_DIR =
  process.env.PARLEY_UPDATE_SCREENSHOTS === '1'
    ? path.join(REPO_ROOT, 'docs/screenshots')
    : path.join(tmpdir(), 'parley-screenshots');
const SERVER_ENTRY = path.join(REPO_ROOT, 'packages/server/dist/main.js');
const WIDGET_BUILD = path.join(REPO_ROOT, 'packages/widget/dist/widget.js');

export type StartOptions = {
  /** Origins allowed for the default site (PARLEY_SITE_ORIGINS). */
  siteOrigins?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
};

/** The request of a route plus the bearer token; optional when the route needs neither params nor body. */
type ApiRequest<R extends RestRoute> =
  object extends RestRequest<R>
    ? [request?: RestRequest<R> & { token?: string }]
    : [request: RestRequest<R> & { token?: string }];

export type ParleyServer = {
  origin: string;
  port: number;
  dataDir: string;
  adminEmail: string;
  adminPassword: string;
  /** Every stdout line so far (JSON log lines). */
  logs: string[];
  /** POST /api/auth/login as the admin; returns the bearer token. */
  login(): Promise<string>;
  /** A REST route of the protocol (`'GET /api/sites/:id'`), typed by it; throws on a non-2xx answer. */
  api<R extends RestRoute>(route: R, ...request: ApiRequest<R>): Promise<RestResponse<R>>;
  stop(): Promise<void>;
};

/** Builds the server and the widget when their output is missing (a fresh checkout). */
export function ensureBuilt(): void {
  for (const [output, pkg] of [
    [SERVER_ENTRY, '@parley/server'],
    [WIDGET_BUILD, '@parley/widget'],
  ] as const) {
    if (!existsSync(output)) {
      console.log(`[e2e] ${path.relative(REPO_ROOT, output)} is missing: building ${pkg}`);
      execFileSync('pnpm', ['--filter', pkg, 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    }
  }
}

export async function startServer(options: StartOptions = {}): Promise<ParleyServer> {
  ensureBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
  const adminEmail = 'admin@example.com';
  const adminPassword = `pw-${randomBytes(9).toString('hex')}`;
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PARLEY_ADMIN_EMAIL: adminEmail,
      PARLEY_ADMIN_PASSWORD: adminPassword,
      ...(options.siteOrigins ? { PARLEY_SITE_ORIGINS: options.siteOrigins.join(',') } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not log "listening" in time\n${logs.join('\n')}\n${stderr.join('')}`)),
      options.startTimeoutMs ?? 60_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening\n${logs.join('\n')}\n${stderr.join('')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: unknown };
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not JSON: keep it in the logs anyway
      }
    });
  });

  const origin = `http://127.0.0.1:${port}`;
  const api = async <R extends RestRoute>(route: R, ...[request]: ApiRequest<R>) => {
    const init = (request ?? {}) as { params?: Record<string, string>; query?: object; body?: unknown; token?: string };
    const { method, url } = restUrl(route, init);
    const res = await fetch(origin + url, {
      method,
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as RestResponse<R>;
  };

  return {
    origin,
    port,
    dataDir,
    adminEmail,
    adminPassword,
    logs,
    api,
    async login() {
      const { token } = await api('POST /api/auth/login', {
        body: { email: adminEmail, password: adminPassword },
      });
      return token;
    },
    stop: () => stopProcess(child, dataDir),
  };
}

async function stopProcess(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

// ---- an agent, talking socket.io to /agent like the console does ----

export type AgentClient = {
  socket: Socket;
  /** Conversations assigned to this agent, in arrival order. */
  assigned: Conversation[];
  /** Every message:new received, in arrival order (duplicates kept, to detect them). */
  messages: Message[];
  send(conversationId: string, text: string): Promise<Message>;
  typing(conversationId: string, typing: boolean): void;
  close(): void;
};

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

export async function connectAgent(server: ParleyServer, token: string): Promise<AgentClient> {
  const socket = io(`${server.origin}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false });
  const assigned: Conversation[] = [];
  const messages: Message[] = [];
  socket.on('conversation:assigned', (c: Conversation) => assigned.push(c));
  socket.on('message:new', (m: Message) => messages.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const status = (await socket.timeout(10_000).emitWithAck('agent:status', { status: 'online' })) as Ack<object>;
  if (!status.ok) throw new Error(`agent:status failed: ${status.error.code}`);
  let n = 0;
  return {
    socket,
    assigned,
    messages,
    async send(conversationId, text) {
      const res = (await socket.timeout(10_000).emitWithAck('message:send', {
        conversationId,
        clientId: `agent-${Date.now()}-${n++}`,
        text,
      })) as Ack<{ message: Message }>;
      if (!res.ok) throw new Error(`agent message:send failed: ${res.error.code}`);
      return res.message;
    },
    typing(conversationId, typing) {
      socket.emit('typing', { conversationId, typing }, () => {});
    },
    close: () => void socket.disconnect(),
  };
}

type Falsy = undefined | null | false;

/** Polls until `probe` returns (or resolves to) something truthy. */
export async function until<T>(
  probe: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
