// The baseline: a bare Socket.IO relay with the same event names as Parley and none of its work
// (no auth, no validation, no storage, no routing state). Started as its own process, like Parley.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

// BENCH_MEMORY_HOOK=1 (set by the bench): GET /__memory answers process.memoryUsage(), the counterpart of
// the heap and external-memory gauges Parley exposes on GET /metrics.
const httpServer = createServer((req, res) => {
  if (process.env.BENCH_MEMORY_HOOK !== '1' || req.url !== '/__memory') return;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(process.memoryUsage()));
});
const io = new Server(httpServer, { perMessageDeflate: false, cors: { origin: true } });
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

io.of('/visitor').on('connection', (socket) => {
  const conversationId = socket.id;
  const agent = agents.length ? agents[next++ % agents.length] : null;
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
    if (agent) io.of('/agent').to(`agent:${agent.id}`).emit('message:new', message);
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: httpServer.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
