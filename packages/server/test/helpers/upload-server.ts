import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '../../src/domain/errors.js';
import { receiveUpload, type UploadOptions } from '../../src/http/upload-receiver.js';
import type { BlobStore } from '../../src/store/blob-store.js';

const STATUS: Record<string, number> = { invalid_payload: 400, payload_too_large: 413, unsupported_type: 415 };

/**
 * A bare HTTP server around receiveUpload: `POST /api/uploads` stores, `GET /blobs/:id` reads back. On a
 * refusal it answers at once with `Connection: close`, leaving the rest of the body unread, and drops the
 * connection shortly after (time for the client to read the answer).
 */
export async function startUploadServer(blobs: BlobStore, options: UploadOptions) {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url?.startsWith('/blobs/')) {
      const blob = await blobs.read(decodeURIComponent(req.url.slice('/blobs/'.length)));
      if (!blob) return send(404, { error: { code: 'not_found', message: 'no such blob' } });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.size });
      return void blob.stream.pipe(res);
    }
    if (req.method !== 'POST' || req.url !== '/api/uploads') return send(404, { error: { code: 'not_found' } });
    try {
      send(201, { upload: await receiveUpload(req, blobs, options) });
    } catch (error) {
      const known = error instanceof DomainError;
      if (!known) console.error('upload failed', error);
      const code = known ? error.code : 'internal';
      const status = STATUS[code] ?? 500;
      send(status, { error: { code, message: (error as Error).message } }, { connection: 'close' });
      res.once('finish', () => setTimeout(() => req.destroy(), 300).unref());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
