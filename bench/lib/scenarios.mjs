import {
  jsMemory,
  machineTicks,
  prepareParley,
  processUsage,
  runQueueWait,
  startBaseline,
  startPair,
  startParley,
} from './processes.mjs';
import { summarize } from './stats.mjs';
import { loadWorker } from './workers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(target, env, nodeArgs) {
  const extra = nodeArgs ? { BENCH_NODE_ARGS: [env.BENCH_NODE_ARGS, nodeArgs].filter(Boolean).join(' ') } : {};
  return target === 'parley' ? startParley({ ...env, ...extra }) : startBaseline(extra);
}

/**
 * The servers of a conversation scenario: one process, or (processes: 2) two joined through Redis with
 * visitors on the first and agents on the second. CPU is the sum over the processes.
 */
async function startServers(target, env, processes = 1) {
  if (processes === 1) {
    const server = await start(target, env);
    return { visitorUrl: server.url, agentUrl: server.url, pids: [server.proc.pid], stop: () => server.stop() };
  }
  if (processes !== 2) throw new Error(`--processes=${processes}: only 1 or 2 are supported`);
  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ...rest } = env;
  const extra = env.BENCH_NODE_ARGS ? { BENCH_NODE_ARGS: env.BENCH_NODE_ARGS } : {};
  const pair = await startPair(target, { databaseUrl, redisUrl, env: target === 'parley' ? rest : extra });
  return { ...pair, pids: pair.servers.map((s) => s.proc.pid) };
}

const cpuSecondsOf = (pids) => pids.reduce((sum, pid) => sum + processUsage(pid).cpuSeconds, 0);
const waitOf = (pids) =>
  pids.reduce(
    (sum, pid) => {
      const wait = runQueueWait(pid);
      return { ms: sum.ms + wait.ms, slices: sum.slices + wait.slices };
    },
    { ms: 0, slices: 0 },
  );

/**
 * What the machine did around a measured stretch: the servers' main threads waiting for a core (ms per
 * second, summed over processes) and how often they were put on one (each wake-up is one), every core's
 * busy share, and the share the host stole from this VM.
 * A round whose p99 stands out can be read against these.
 */
function machineMeter(pids) {
  const wait0 = waitOf(pids);
  const ticks0 = machineTicks();
  const t0 = Date.now();
  return () => {
    const seconds = (Date.now() - t0) / 1000;
    const ticks = machineTicks();
    const total = ticks.total - ticks0.total || 1;
    const wait = waitOf(pids);
    return {
      waitMsPerSecond: Math.round((wait.ms - wait0.ms) / seconds),
      slicesPerSecond: Math.round((wait.slices - wait0.slices) / seconds),
      machineBusyPercent: Math.round(((ticks.busy - ticks0.busy) / total) * 100),
      stealPercent: +(((ticks.steal - ticks0.steal) / total) * 100).toFixed(1),
    };
  };
}

const GC_HOOK = `--expose-gc --import=${new URL('./gc-hook.mjs', import.meta.url).href}`;

async function until(check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

/** After a full GC: median of a few samples of RSS and JS memory (both move while the allocator settles). */
async function settledMemory(target, server, samples = 5) {
  server.proc.kill('SIGUSR2'); // full GC (gc-hook.mjs)
  await sleep(500);
  const rss = [];
  const js = [];
  for (let i = 0; i < samples; i++) {
    rss.push(processUsage(server.proc.pid).rssBytes);
    js.push(await jsMemory(target, server.url));
    await sleep(200);
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(samples / 2)];
  return { rss: median(rss), js: median(js) };
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den ? num / den : 0;
}

/**
 * Memory per idle visitor connection: the slope of the server's memory over the number of connected visitors.
 * A single before/after difference is fragile: a GC of start-up garbage inside the window can free more
 * than the visitors take. So: warm up first (connect and drop a batch, so that lazily built code
 * paths, caches and JIT output do not count as per-connection cost), then connect the visitors in steps,
 * take settled samples (medians) after each step, and fit a line through the points.
 * Two measures: JS memory (V8 heap used + external; the headline number) and RSS (reported alongside; for
 * Parley it also holds PGlite's WASM heap, which moves by hundreds of MB on its own when the startup
 * data-dir work is released, so an RSS slope over a few MB of connections is noise there).
 */
export async function idle(target, { visitors, env }) {
  const server = await start(target, env, GC_HOOK);
  let siteKey = null;
  if (target === 'parley') ({ siteKey } = await prepareParley(server.url, 0, 1));
  const warm = loadWorker();
  await warm.call('visitors', { url: server.url, count: Math.min(200, visitors), siteKey, mode: target });
  await sleep(500);
  await warm.close();
  await sleep(2000);
  const steps = 5;
  const points = [{ connected: 0, ...(await settledMemory(target, server)) }];
  const worker = loadWorker();
  for (let step = 1; step <= steps; step++) {
    const connected = Math.round((visitors * step) / steps);
    const count = connected - points[points.length - 1].connected;
    await worker.call('visitors', { url: server.url, count, siteKey, mode: target });
    await sleep(1000);
    points.push({ connected, ...(await settledMemory(target, server)) });
  }
  await worker.close();
  await server.stop();
  return {
    visitors,
    bytesPerConnection: Math.round(slope(points.map((p) => [p.connected, p.js]))),
    rssBytesPerConnection: Math.round(slope(points.map((p) => [p.connected, p.rss]))),
    rssBytes: points[points.length - 1].rss,
    points,
  };
}

/**
 * A server with A agents (their own load process) and V visitors (another), every visitor in a
 * conversation assigned to an agent, measurements reset: the common ground of `active` and `burst`.
 */
async function conversations(target, { visitors, agents, env, replies, processes }) {
  const server = await startServers(target, env, processes);
  let siteKey = null;
  let tokens = Array.from({ length: agents }, () => null);
  if (target === 'parley')
    ({ siteKey, tokens } = await prepareParley(server.visitorUrl, agents, Math.ceil(visitors / agents) + 5));
  const agentWorker = loadWorker();
  const visitorWorker = loadWorker();
  await agentWorker.call('agents', { url: server.agentUrl, tokens, mode: target });
  if (!replies) await agentWorker.call('replies', { on: false });
  await visitorWorker.call('visitors', {
    url: server.visitorUrl,
    count: visitors,
    siteKey,
    mode: target,
    warmup: target === 'parley',
  });
  if (target === 'parley') {
    const ok = await until(async () => (await agentWorker.call('assignedCount')).assigned >= visitors, 60_000);
    if (!ok) throw new Error('not every conversation got assigned');
  }
  await sleep(1000);
  await agentWorker.call('reset');
  await visitorWorker.call('reset');
  return {
    server,
    visitorWorker,
    /** Waits for late deliveries, collects both sides' latencies and stops everything. */
    async finish() {
      await sleep(1000);
      const v = await visitorWorker.call('report');
      const a = await agentWorker.call('report');
      await agentWorker.close();
      await visitorWorker.close();
      await server.stop();
      return { v, a };
    },
  };
}

/** V visitors in conversations with A agents, one message per interval each; agents answer each one. */
export async function active(target, { visitors, agents, intervalMs, durationMs, env, processes = 1 }) {
  const run = await conversations(target, { visitors, agents, env, replies: true, processes });
  const cpu0 = cpuSecondsOf(run.server.pids);
  const t0 = Date.now();
  const machine = machineMeter(run.server.pids);
  const { acked } = await run.visitorWorker.call('active', { intervalMs, durationMs });
  const noise = machine();
  await sleep(1000);
  const cpuSeconds = cpuSecondsOf(run.server.pids) - cpu0;
  const elapsed = (Date.now() - t0) / 1000;
  const { v, a } = await run.finish();
  return {
    visitors,
    agents,
    processes,
    acked,
    ack: summarize(v.ack),
    visitorToAgent: summarize(a.visitorToAgent),
    agentToVisitor: summarize(v.agentToVisitor),
    cpuPercent: Math.round((cpuSeconds / elapsed) * 100),
    ...noise,
    samples: { ack: v.ack, visitorToAgent: a.visitorToAgent, agentToVisitor: v.agentToVisitor },
  };
}

/** Closed-loop burst: every visitor sends as fast as acknowledgements come back. */
export async function burst(target, { visitors, agents, durationMs, env, processes = 1 }) {
  const run = await conversations(target, { visitors, agents, env, replies: false, processes });
  const { acked, seconds } = await run.visitorWorker.call('burst', { durationMs });
  const { v, a } = await run.finish();
  return {
    visitors,
    processes,
    messagesPerSecond: Math.round(acked / seconds),
    ack: summarize(v.ack),
    visitorToAgent: summarize(a.visitorToAgent),
    samples: { ack: v.ack, visitorToAgent: a.visitorToAgent },
  };
}
