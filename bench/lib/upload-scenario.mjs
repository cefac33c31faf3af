import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, api, spawnServer, startParley } from './processes.mjs';
import { summarize } from './stats.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A file whose type is decided from its bytes as a PDF (its magic number), the rest random: not compressible. */
function pdfOf(bytes) {
  const body = randomBytes(bytes);
  body.write('%PDF-1.7\n', 0, 'latin1');
  return body;
}

/**
 * One agent uploads the same file `uploads` times, one after the other, as multipart/form-data through
 * fetch: to Parley's POST /api/uploads (type sniffed from the bytes, streamed into the database in chunks),
 * and to a bare node:http server that only hashes the body. Each upload is timed from the request to the
 * answer; the result is the median, and the throughput the file's size over it.
 */
export async function upload(target, { bytes, uploads, env }) {
  const file = pdfOf(bytes);
  const server =
    target === 'parley' ? await startParley(env) : await spawnServer(path.join(root, 'bench/lib/baseline-upload.mjs'));
  try {
    const url = target === 'parley' ? `${server.url}/api/uploads` : `${server.url}/upload`;
    const headers =
      target === 'parley'
        ? { authorization: `Bearer ${(await api(server.url, '/api/auth/login', { body: ADMIN })).token}` }
        : {};
    const times = [];
    for (let i = 0; i < uploads + 1; i++) {
      const form = new FormData();
      form.append('file', new Blob([file], { type: 'application/pdf' }), 'invoice.pdf');
      const started = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body: form });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`upload to ${target}: ${res.status}`);
      if (i > 0) times.push(performance.now() - started); // the first one warms up
    }
    const ms = summarize(times);
    return { bytes, uploads, medianMs: ms.p50, megabytesPerSecond: bytes / 1e6 / (ms.p50 / 1000) };
  } finally {
    await server.stop();
  }
}
