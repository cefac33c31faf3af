// One bare Socket.IO relay process for bench/adapter-fanout.mjs.
// argv: <kind: memory|streams|sharded-pubsub> <redisUrl> <prefix>. Prints {"port":N} when listening.
// Clients emit `join` (room) and `relay` ({room, payload}); the server broadcasts `msg` to the room
// through the adapter under test and acknowledges once it has handed the packet to the adapter.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const [kind = 'memory', redisUrl = 'redis://127.0.0.1:6379', prefix = 'parley-bench:'] = process.argv.slice(2);

const { Server } = await load('socket.io');
let adapter;
if (kind !== 'memory') {
  const { createClient } = await load('redis');
  const client = () => {
    const c = createClient({
      url: redisUrl,
      commandsQueueMaxLength: 10_000,
      socket: { reconnectStrategy: (n) => Math.min(100 * 2 ** Math.min(n, 5), 2000) },
    });
    c.on('error', () => {});
    return c;
  };
  if (kind === 'streams') {
    const { createAdapter } = await load('@socket.io/redis-streams-adapter');
    const c = client();
    await c.connect();
    adapter = createAdapter(c, {
      streamName: `${prefix}socket.io`,
      channelPrefix: `${prefix}socket.io`,
      blockTimeInMs: 2000,
    });
  } else {
    const { createShardedAdapter } = await load('@socket.io/redis-adapter');
    const pub = client();
    const sub = client();
    await Promise.all([pub.connect(), sub.connect()]);
    adapter = createShardedAdapter(pub, sub, { channelPrefix: `${prefix}socket.io`, subscriptionMode: 'dynamic' });
  }
}
process.on('unhandledRejection', () => {});
const http = createServer();
const io = new Server(http, { perMessageDeflate: false, ...(adapter ? { adapter } : {}) });
io.on('connection', (socket) => {
  socket.on('join', async (room, ack) => {
    await socket.join(room);
    ack?.(true);
  });
  socket.on('relay', ({ room, payload }, ack) => {
    io.to(room).emit('msg', payload);
    ack?.(true);
  });
});
http.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: http.address().port })}\n`));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
