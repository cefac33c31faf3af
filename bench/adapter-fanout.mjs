// Compares the Socket.IO Redis adapters for Parley's cross-process fan-out (see docs/scaling.md).
//
//   node bench/adapter-fanout.mjs [--redis redis://127.0.0.1:6379] [--messages 2000] [--receivers 10]
//
// For each adapter: two relay processes (bench/adapter-node.mjs); a sender on process A, receivers on
// process B in one room. Baseline: a single process with the in-memory adapter, same clients.
//  - latency: paced sends (one per 2 ms), send→receive time per delivery, median and p99
//  - throughput: a burst of all messages at once, deliveries per second until the last one arrives
//  - restart: a private redis-server (own port, never the shared one) is killed and started again
//    (empty), --restarts times, while the sender emits every 5 ms; counts acknowledged broadcasts that
//    never arrived.
// Prints a table and writes bench/results/adapter-fanout-<timestamp>.json.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { io } from 'socket.io-client';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SHARED_REDIS = arg('redis', 'redis://127.0.0.1:6379');
const MESSAGES = Number(arg('messages', 2000));
const RECEIVERS = Number(arg('receivers', 10));
const ROUNDS = Number(arg('restarts', 3));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NODE = new URL('./adapter-node.mjs', import.meta.url).pathname;

function startNode(kind, redisUrl, prefix) {
  const child = spawn(process.execPath, [NODE, kind, redisUrl, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve({ child, port: JSON.parse(String(d)).port }));
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
}
const stopNode = (n) =>
  new Promise((resolve) => {
    n.child.once('exit', resolve);
    n.child.kill('SIGTERM');
    setTimeout(() => n.child.kill('SIGKILL'), 3000).unref();
  });
const connect = (port) =>
  new Promise((resolve, reject) => {
    const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function setup(kind, redisUrl) {
  const prefix = `parley-bench-${randomBytes(4).toString('hex')}:`;
  const a = await startNode(kind, redisUrl, prefix);
  const b = kind === 'memory' ? a : await startNode(kind, redisUrl, prefix);
  const sender = await connect(a.port);
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => connect(b.port)));
  await Promise.all(receivers.map((r) => r.timeout(5000).emitWithAck('join', 'room')));
  await sleep(500); // let dynamic subscriptions settle
  return {
    sender,
    receivers,
    async close() {
      for (const s of [sender, ...receivers]) s.disconnect();
      await stopNode(a);
      if (b !== a) await stopNode(b);
    },
  };
}

async function measure(kind) {
  const { sender, receivers, close } = await setup(kind, SHARED_REDIS);
  // Latency, paced.
  const latencies = [];
  const onMsg = (m) => latencies.push(performance.timeOrigin + performance.now() - m.t);
  for (const r of receivers) r.on('msg', onMsg);
  for (let i = 0; i < MESSAGES / 4; i++) {
    sender.emit('relay', { room: 'room', payload: { t: performance.timeOrigin + performance.now(), i } });
    await sleep(2);
  }
  await sleep(1000);
  for (const r of receivers) r.off('msg', onMsg);
  latencies.sort((x, y) => x - y);
  // Throughput, burst.
  let got = 0;
  const expected = MESSAGES * RECEIVERS;
  const started = performance.now();
  const done = new Promise((resolve) => {
    for (const r of receivers)
      r.on('msg', () => {
        if (++got === expected) resolve();
      });
  });
  for (let i = 0; i < MESSAGES; i++) sender.emit('relay', { room: 'room', payload: { i } });
  await Promise.race([done, sleep(30_000)]);
  const seconds = (performance.now() - started) / 1000;
  await close();
  return {
    kind,
    latencyMedianMs: +pct(latencies, 50).toFixed(2),
    latencyP99Ms: +pct(latencies, 99).toFixed(2),
    delivered: `${got}/${expected}`,
    throughputPerSec: Math.round(got / seconds),
  };
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function restart(kind) {
  const port = await freePort();
  let redis;
  const up = async () => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await sleep(300);
  };
  const down = () =>
    new Promise((resolve) => {
      redis.once('exit', resolve);
      redis.kill('SIGKILL');
    });
  await up();
  const { sender, receivers, close } = await setup(kind, `redis://127.0.0.1:${port}`);
  const seen = new Set();
  receivers[0].on('msg', (m) => seen.add(m.i));
  const acked = [];
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      const ok = await sender
        .timeout(2000)
        .emitWithAck('relay', { room: 'room', payload: { i } })
        .catch(() => false);
      if (ok) acked.push(i);
      await sleep(5);
    }
  })();
  await sleep(1000);
  const downAt = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    await down();
    await sleep(1000);
    await up();
    await sleep(2500);
  }
  stop = true;
  await loop;
  await sleep(2000);
  const lost = acked.filter((i) => !seen.has(i));
  await close();
  await down();
  return {
    kind,
    restartAcked: acked.length,
    restartLost: lost.length,
    lostDuringOutage: lost.length ? `${lost[0]}…${lost[lost.length - 1]}` : '-',
    restarts: ROUNDS,
    restartPhaseMs: Math.round(performance.now() - downAt),
  };
}

const kinds = ['memory', 'streams', 'sharded-pubsub'];
const rows = [];
for (const kind of kinds) {
  const m = await measure(kind);
  const r = kind === 'memory' ? {} : await restart(kind);
  rows.push({ ...m, ...r });
  console.error(`done: ${kind}`);
}
const base = rows.find((r) => r.kind === 'memory');
for (const r of rows) r.throughputVsBaseline = +(r.throughputPerSec / base.throughputPerSec).toFixed(2);
console.table(
  rows.map((r) => ({
    adapter: r.kind,
    'median ms': r.latencyMedianMs,
    'p99 ms': r.latencyP99Ms,
    'deliveries/s': r.throughputPerSec,
    'vs baseline': r.throughputVsBaseline,
    delivered: r.delivered,
    'restart: acked': r.restartAcked ?? '-',
    'restart: lost': r.restartLost ?? '-',
  })),
);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`adapter-fanout-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, dir);
writeFileSync(
  file,
  `${JSON.stringify({ messages: MESSAGES, receivers: RECEIVERS, node: process.version, rows }, null, 2)}\n`,
);
console.log(`wrote ${file.pathname}`);
process.exit(0);
