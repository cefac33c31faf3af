import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tracked } from './children.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN = { email: 'bench@example.com', password: 'bench-password-1' };

/**
 * Spawns a server process that logs a JSON "listening" line with its port. `env.BENCH_NODE_ARGS` (not
 * passed on) holds extra node flags, e.g. --cpu-prof, which NODE_OPTIONS does not allow.
 */
export function spawnServer(script, env = {}) {
  const { BENCH_NODE_ARGS: nodeArgs, ...rest } = env;
  const proc = tracked(
    spawn(process.execPath, [...(nodeArgs ? nodeArgs.split(' ') : []), script], {
      env: { ...process.env, ...rest },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      for (const line of buffer.split('\n')) {
        try {
          const parsed = JSON.parse(line);
          if (parsed.msg === 'listening') {
            proc.stdout.off('data', onData);
            proc.stdout.resume();
            resolve({ proc, url: `http://127.0.0.1:${parsed.port}`, stop: () => stop(proc) });
            return;
          }
        } catch {}
      }
    };
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
  });
}

export async function startBaseline(env = {}) {
  return spawnServer(path.join(root, 'bench/lib/baseline-relay.mjs'), { BENCH_MEMORY_HOOK: '1', ...env });
}

/** `env.BENCH_SERVER` (not passed on) runs another build of Parley, e.g. the one before a change (A/B). */
export async function startParley(extraEnv = {}) {
  const { BENCH_SERVER: script, ...env } = extraEnv;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const server = await spawnServer(path.resolve(root, script ?? 'packages/server/dist/main.js'), {
    PORT: '0',
    DATA_DIR: dataDir,
    PARLEY_ADMIN_EMAIL: ADMIN.email,
    PARLEY_ADMIN_PASSWORD: ADMIN.password,
    PARLEY_VISITOR_MSG_LIMIT: '1000000',
    PARLEY_MAX_CONNECTIONS_PER_IP: '1000000',
    ...env,
  });
  const stopServer = server.stop;
  return {
    ...server,
    dataDir,
    stop: async () => {
      await stopServer();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * JavaScript memory of a server: V8 heap in use plus external memory (Buffers, ArrayBuffers) — what
 * connections cost, without the allocator's and (for Parley) PGlite's WASM heap's moves in RSS.
 * Parley: its prom-client gauges on GET /metrics; the baseline relay: GET /__memory (BENCH_MEMORY_HOOK).
 */
export async function jsMemory(target, url) {
  if (target === 'parley') {
    const text = await (await fetch(`${url}/metrics`)).text();
    const gauge = (name) => Number(new RegExp(`^parley_process_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return gauge('nodejs_heap_size_used_bytes') + gauge('nodejs_external_memory_bytes');
  }
  const usage = await (await fetch(`${url}/__memory`)).json();
  return usage.heapUsed + usage.external;
}

/** Resident memory and CPU seconds of a process, from /proc. */
export function processUsage(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / 100 };
}

/**
 * How long a process's main thread was runnable but waiting for a core, in ms since it started, and how
 * many times it was put on a core (`/proc/<pid>/schedstat`: second and third fields). On a shared 2-core machine this is where a latency tail
 * comes from (docs/performance.md, "Where a target is not met").
 */
export function runQueueWait(pid) {
  const [, waitNs, slices] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { ms: waitNs / 1e6, slices };
}

/** Machine-wide CPU ticks since boot (`/proc/stat`): all, busy (not idle or iowait) and stolen by the host. */
export function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { total: busy + idle + iowait + steal, busy, steal };
}

export async function api(base, route, { token, body, method } = {}) {
  const res = await fetch(base + route, {
    method: method ?? (body ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

/** Creates `count` agents with enough capacity and returns their tokens, plus the default site key. */
export async function prepareParley(url, count, maxChats) {
  const admin = (await api(url, '/api/auth/login', { body: ADMIN })).token;
  const siteKey = (await api(url, '/api/sites', { token: admin })).sites[0].key;
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const email = `bench-agent-${i}@example.com`;
    await api(url, '/api/agents', {
      token: admin,
      body: {
        email,
        name: `Agent ${i}`,
        password: 'bench-password-1',
        role: 'agent',
        maxChats: Math.min(50, maxChats),
      },
    });
    tokens.push((await api(url, '/api/auth/login', { body: { email, password: 'bench-password-1' } })).token);
  }
  return { siteKey, tokens };
}

/**
 * Drops and recreates the PostgreSQL database named in `databaseUrl` (through the server's `postgres`
 * database, with the `pg` package of packages/server). Only names starting with `parley_bench`: the
 * bench owns those, and must never drop a database it was merely pointed at.
 */
export function benchDatabaseName(databaseUrl) {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!/^parley_bench\w*$/.test(name))
    throw new Error(
      `--processes=2 drops and recreates the database in DATABASE_URL; its name must start with parley_bench (got "${name}")`,
    );
  return name;
}

export async function freshDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = benchDatabaseName(databaseUrl);
  const require = createRequire(path.join(root, 'packages/server/package.json'));
  const pg = (await import(pathToFileURL(require.resolve('pg')).href)).default;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/** Deletes the keys under a prefix this run created (never FLUSHDB: the Redis is shared). */
export async function deleteRedisPrefix(redisUrl, prefix) {
  const { createClient } = await import('redis');
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      if (keys.length) await client.del(keys);
  } finally {
    client.destroy();
  }
}

let clusterCount = 0;

/**
 * Two server processes sharing one Redis (and, for Parley, one fresh PostgreSQL database): Parley with the
 * same PARLEY_REDIS_PREFIX on both, the relay joined by the Redis Streams adapter under its own prefix.
 * Visitors go to the first process, agents to the second, so every message crosses the Redis fan-out.
 * The prefix is unique per start (a scenario never sees another one's state) and deleted on stop.
 */
export async function startPair(target, { databaseUrl, redisUrl, env = {} }) {
  if (!databaseUrl || !redisUrl) throw new Error('--processes=2 needs DATABASE_URL and REDIS_URL in the environment');
  const id = `${Date.now()}-${process.pid}-${++clusterCount}`;
  let extra;
  let prefix;
  if (target === 'parley') {
    await freshDatabase(databaseUrl);
    prefix = `bench-${id}:`;
    extra = { ...env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: prefix };
  } else {
    prefix = `bench-relay-${id}:`;
    extra = { ...env, BENCH_RELAY_REDIS_URL: redisUrl, BENCH_RELAY_REDIS_PREFIX: prefix };
  }
  const start = target === 'parley' ? startParley : startBaseline;
  // One after the other: the first one migrates the fresh database and creates the admin.
  const first = await start(extra);
  const second = await start(extra).catch(async (error) => {
    await first.stop();
    throw error;
  });
  return {
    servers: [first, second],
    visitorUrl: first.url,
    agentUrl: second.url,
    prefix,
    async stop() {
      await Promise.all([first.stop(), second.stop()]);
      await deleteRedisPrefix(redisUrl, prefix).catch(() => {});
    },
  };
}
