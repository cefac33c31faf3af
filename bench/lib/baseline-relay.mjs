// The baseline: a bare Socket.IO relay with the same event names as Parley and none of its work
// (no auth, no validation, no storage, no routing state). Started as its own process, like Parley.
// BENCH_RELAY_REDIS_URL (two-process runs): several relays joined by the adapter Parley uses (Redis
// Streams, node-redis, same options as packages/server/src/coord/redis-fanout.ts), with stream and
// channel names under BENCH_RELAY_REDIS_PREFIX; a visitor's agent is then picked among all processes'
// agents. Without it: one process, in-memory adapter, the agent picked from a local array.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

// BENCH_MEMORY_HOOK=1 (set by the bench): GET /__memory answers process.memoryUsage(), the counterpart of
// the heap and external-memory gauges Parley exposes on GET /metrics.
const httpServer = createServer((req, res) => {
  if (process.env.BENCH_MEMORY_HOOK !== '1' || req.url !== '/__memory') return;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(process.memoryUsage()));
});
const redisUrl = process.env.BENCH_RELAY_REDIS_URL;
let adapter;
if (redisUrl) {
  const { createClient } = await import('redis');
  const { createAdapter } = await import('@socket.io/redis-streams-adapter');
  const prefix = process.env.BENCH_RELAY_REDIS_PREFIX ?? 'bench-relay:';
  const client = createClient({
    url: redisUrl,
    commandsQueueMaxLength: 10_000,
    socket: { connectTimeout: 2000, reconnectStrategy: (n) => Math.min(100 * 2 ** Math.min(n, 5), 2000) },
    pingInterval: 5000,
  });
  client.on('error', () => {});
  await client.connect();
  adapter = createAdapter(client, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    maxLen: 10_000,
    blockTimeInMs: 2000,
  });
}
const io = new Server(httpServer, { perMessageDeflate: false, cors: { origin: true }, adapter });
const agents = [];
let next = 0;
let seq = 0;

io.of('/agent').on('connection', (socket) => {
  agents.push(socket);
  socket.join(`agent:${socket.id}`);
  socket.on('message:send', (payload, ack) => {
    const message = {
      id: String(++seq),
      conversationId: payload.conversationId,
      seq,
      clientId: payload.clientId,
      author: 'agent',
      authorName: 'Agent',
      text: payload.text,
      internal: false,
      createdAt: new Date().toISOString(),
    };
    ack?.({ ok: true, message });
    io.of('/visitor').to(`visitor:${payload.conversationId}`).emit('message:new', message);
  });
  socket.on('agent:status', (_p, ack) => ack?.({ ok: true, status: 'online' }));
  socket.on('disconnect', () => agents.splice(agents.indexOf(socket), 1));
});

/** Two-process mode: an agent among every process's agents (adapter-wide), round robin over a stable order. */
async function pickAgentId() {
  const all = (await io.of('/agent').fetchSockets()).map((s) => s.id).sort();
  return all.length ? all[next++ % all.length] : null;
}

io.of('/visitor').on('connection', (socket) => {
  const conversationId = socket.id;
  // One process: an agent from the local array. Two processes: among every process's agents, picked once
  // at connection (an adapter-wide request); messages sent before the pick resolves wait for it.
  let agentId = null;
  let picked = null;
  if (redisUrl)
    picked = pickAgentId()
      .then((id) => {
        agentId = id;
      })
      .catch(() => {});
  else if (agents.length) agentId = agents[next++ % agents.length].id;
  socket.join(`visitor:${conversationId}`);
  socket.emit('session', { visitorId: socket.id, visitorToken: 'x', conversation: null });
  socket.on('message:send', (payload, ack) => {
    const message = {
      id: String(++seq),
      conversationId,
      seq,
      clientId: payload.clientId,
      author: 'visitor',
      authorName: null,
      text: payload.text,
      internal: false,
      createdAt: new Date().toISOString(),
    };
    ack?.({ ok: true, message });
    const send = () => {
      if (agentId) io.of('/agent').to(`agent:${agentId}`).emit('message:new', message);
    };
    if (agentId || !picked) send();
    else picked.then(send);
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: httpServer.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
