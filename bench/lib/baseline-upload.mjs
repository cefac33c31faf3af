// The upload baseline: a bare node:http server that reads a request body to the end, hashes it (the least
// any store must do to keep a file intact) and answers 201. Started as its own process, like Parley.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const httpServer = createServer((req, res) => {
  const hash = createHash('sha256');
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    hash.update(chunk);
  });
  req.on('end', () => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ size, sha256: hash.digest('hex') }));
  });
});
httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: httpServer.address().port })}\n`);
});
process.on('SIGTERM', () => httpServer.close(() => process.exit(0)));
