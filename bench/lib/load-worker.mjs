// A load-generator process (forked by bench/run.mjs): plays many visitors or many agents with
// socket.io-client and records latencies. Talks to the parent over IPC.
import { io } from 'socket.io-client';
import { clock } from './stats.mjs';

const sockets = [];
const latency = { ack: [], visitorToAgent: [], agentToVisitor: [] };
let counter = 0;
let acked = 0;
let replies = true;
const assigned = new Set();

const stamp = () => `ts:${clock().toFixed(3)}`;
const age = (text) => (text.startsWith('ts:') ? clock() - Number(text.slice(3)) : null);

function connect(url, ns, auth) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function inBatches(count, size, fn) {
  for (let i = 0; i < count; i += size)
    await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => fn(i + j)));
}

const commands = {
  async agents({ url, tokens, mode }) {
    await inBatches(tokens.length, 20, async (i) => {
      // echo: false, as the console connects: the sender learns of its own message from the ack.
      const socket = await connect(url, 'agent', mode === 'parley' ? { token: tokens[i], echo: false } : {});
      socket.on('conversation:assigned', (c) => assigned.add(c.id));
      socket.on('message:new', (m) => {
        if (m.author !== 'visitor') return;
        if (mode === 'parley' && !assigned.has(m.conversationId)) return;
        const ms = age(m.text);
        if (ms === null) return;
        latency.visitorToAgent.push(ms);
        if (replies)
          socket.emit(
            'message:send',
            { conversationId: m.conversationId, clientId: `a${++counter}`, text: stamp() },
            () => {},
          );
      });
      await socket.emitWithAck('agent:status', { status: 'online' });
      sockets.push(socket);
    });
    return { connected: sockets.length };
  },
  async assignedCount() {
    return { assigned: assigned.size };
  },
  async visitors({ url, count, siteKey, mode, warmup }) {
    await inBatches(count, 50, async () => {
      // echo: false, as the widget connects.
      const socket = await connect(url, 'visitor', mode === 'parley' ? { siteKey, echo: false } : {});
      socket.on('message:new', (m) => {
        if (m.author !== 'agent') return;
        const ms = age(m.text);
        if (ms !== null) latency.agentToVisitor.push(ms);
      });
      sockets.push(socket);
    });
    if (warmup)
      await inBatches(sockets.length, 50, (i) =>
        sockets[i].emitWithAck('message:send', { clientId: `w${i}`, text: 'warmup' }),
      );
    return { connected: sockets.length };
  },
  async reset() {
    latency.ack = [];
    latency.visitorToAgent = [];
    latency.agentToVisitor = [];
    acked = 0;
    return {};
  },
  /** Every visitor sends one message per intervalMs (random phase) for durationMs. */
  async active({ intervalMs, durationMs }) {
    const end = Date.now() + durationMs;
    await Promise.all(
      sockets.map(async (socket) => {
        await new Promise((r) => setTimeout(r, Math.random() * intervalMs));
        while (Date.now() < end) {
          const sent = clock();
          const res = await socket
            .timeout(10_000)
            .emitWithAck('message:send', { clientId: `v${++counter}`, text: stamp() })
            .catch(() => null);
          if (res?.ok) {
            latency.ack.push(clock() - sent);
            acked++;
          }
          await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (clock() - sent))));
        }
      }),
    );
    return { acked };
  },
  /** Closed loop: each visitor sends its next message as soon as the previous is acknowledged. */
  async burst({ durationMs }) {
    const started = clock();
    const end = Date.now() + durationMs;
    await Promise.all(
      sockets.map(async (socket) => {
        while (Date.now() < end) {
          const sent = clock();
          const res = await socket
            .timeout(10_000)
            .emitWithAck('message:send', { clientId: `b${++counter}`, text: stamp() })
            .catch(() => null);
          if (res?.ok) {
            latency.ack.push(clock() - sent);
            acked++;
          }
        }
      }),
    );
    return { acked, seconds: (clock() - started) / 1000 };
  },
  async replies({ on }) {
    replies = on;
    return {};
  },
  async report() {
    return latency;
  },
  async close() {
    for (const s of sockets) s.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, result: await commands[cmd](args ?? {}) });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
