import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { AttachmentService, Viewer } from '../../domain/attachment-service.js';
import type { AuthService } from '../../domain/auth-service.js';
import { refuse } from '../../domain/errors.js';
import type { ModerationService } from '../../domain/moderation-service.js';
import type { SiteCache } from '../../domain/site-cache.js';
import type { VisitorTokens } from '../../domain/visitor-tokens.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { BlobStore } from '../../store/blob-store.js';
import { attachmentPath, thumbnailPath } from '../../store/rows.js';
import { bearerToken } from '../auth.js';
import { answerAndClose } from '../error-handler.js';
import { THUMBNAIL_TYPE } from '../upload-images.js';
import { blobIds, receiveUpload } from '../upload-receiver.js';
import { IMAGE_TYPES } from '../upload-types.js';

export type UploadDeps = {
  auth: AuthService;
  tokens: VisitorTokens;
  sites: SiteCache;
  moderation: ModerationService;
  attachments: AttachmentService;
  /** Attachment bytes (`store.blobs`) and the size limit (`config.uploads`), read per request. */
  store: { blobs: BlobStore };
  config: Pick<Config, 'uploads'>;
  /** Bootstrap is done; until then these routes answer 503 like every other (health-routes.ts). */
  isReady: () => boolean;
  log: Logger;
  metrics: Metrics;
};

/** `Authorization: Visitor <visitorToken>`: the widget's credential on HTTP. */
const visitorToken = (req: Request) => /^Visitor (\S{1,512})$/.exec(req.get('authorization') ?? '')?.[1] ?? null;

/** Images a browser shows inline, under a CSP that lets the image document show nothing else. */
const IMAGE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
const FILE_CSP = "sandbox; default-src 'none'";

/** `inline`/`attachment` with the file name: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/**
 * `POST /api/uploads` and the files it stores (`GET /api/uploads/:id`, `…/thumbnail`). Mounted before the
 * body parsers: the multipart body is streamed to the blob store, never buffered. Who is asking is
 * decided before a byte of the body is read; a refusal is answered at once and the connection closed.
 */
export function createUploadRouter(d: UploadDeps) {
  const router = express.Router();

  /**
   * The uploader of a request: a visitor of `?siteKey=` with their token, or a logged-in agent; and the
   * types they may upload (the site's `uploadTypes` for a visitor; every type for agents).
   */
  async function uploaderOf(req: Request): Promise<{ uploader: NonNullable<Viewer>; types?: ReadonlySet<string> }> {
    const token = visitorToken(req);
    if (token !== null) {
      const siteKey = typeof req.query.siteKey === 'string' ? req.query.siteKey.slice(0, 64) : '';
      const site = siteKey ? await d.sites.byKey(siteKey) : null;
      if (!site) throw refuse('unknown_site', 'unknown site key');
      const origin = req.get('origin');
      if (origin !== undefined && !site.allowedOrigins.includes(origin))
        throw refuse('origin_not_allowed', 'this page may not use the chat of this site');
      const visitorId = d.tokens.verify(token, site.id);
      if (!visitorId) throw refuse('unauthorized', 'not a visitor of this site');
      if (await d.moderation.isBlocked(site.id, visitorId, req.ip ?? null))
        throw refuse('blocked', 'you cannot use the chat of this site');
      const uploader = { kind: 'visitor' as const, id: visitorId, siteId: site.id };
      return site.settings.uploadTypes ? { uploader, types: new Set(site.settings.uploadTypes) } : { uploader };
    }
    const bearer = bearerToken(req);
    const agent = bearer ? await d.auth.agentForToken(bearer) : null;
    if (!agent) throw refuse('unauthorized', 'send a visitor token or log in');
    return { uploader: { kind: 'agent', agent } };
  }

  /** Who is reading a file, from the same headers; null when they name nobody (a visitor token names its site). */
  async function viewerOf(req: Request): Promise<Viewer> {
    const token = visitorToken(req);
    if (token !== null) {
      const siteId = token.split('.')[2] ?? '';
      const visitorId = d.tokens.verify(token, siteId);
      return visitorId ? { kind: 'visitor', id: visitorId, siteId } : null;
    }
    const bearer = bearerToken(req);
    const agent = bearer ? await d.auth.agentForToken(bearer) : null;
    return agent ? { kind: 'agent', agent } : null;
  }

  // The widget uploads from its host page: credentials are headers (never cookies), so any origin may ask.
  router.use('/api/uploads', (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!d.isReady())
      return answerAndClose(
        d.log,
        d.metrics,
        req,
        res,
        refuse('unavailable', 'the server is starting; retry in a moment'),
      );
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });

  router.post('/api/uploads', async (req, res) => {
    try {
      const { uploader, types } = await uploaderOf(req);
      await d.attachments.admitUpload(uploader);
      const upload = await receiveUpload(req, d.store.blobs, {
        maxBytes: d.config.uploads.maxBytes,
        ...(types ? { allowedTypes: types } : {}),
      });
      try {
        const attachment = await d.attachments.register(uploader, {
          name: upload.name,
          type: upload.type,
          size: upload.blob.size,
          blobId: upload.blob.id,
          thumbnailBlobId: upload.image?.thumbnail.id ?? null,
          width: upload.image?.width ?? null,
          height: upload.image?.height ?? null,
        });
        res.status(201).json({ attachment });
      } catch (error) {
        await d.store.blobs.deleteMany(blobIds(upload)).catch(() => {});
        throw error;
      }
    } catch (error) {
      answerAndClose(d.log, d.metrics, req, res, error);
    }
  });

  const serve = (thumbnail: boolean) => async (req: Request, res: Response) => {
    try {
      const id = String(req.params.id).slice(0, 64);
      const path = thumbnail ? thumbnailPath(id) : attachmentPath(id);
      const file = d.attachments.urls.verify(path, req.query.exp, req.query.sig)
        ? await d.attachments.signed(id)
        : await d.attachments.readable(id, await viewerOf(req));
      const blobId = thumbnail ? file?.thumbnailBlobId : file?.blobId;
      const blob = file && blobId ? await d.store.blobs.read(blobId) : null;
      if (!file || !blob) throw refuse('not_found', 'no such file');
      const type = thumbnail ? THUMBNAIL_TYPE : file.type;
      const image = thumbnail || IMAGE_TYPES.has(type);
      res.setHeader('Content-Type', type === 'text/plain' ? 'text/plain; charset=utf-8' : type);
      res.setHeader('Content-Disposition', disposition(image ? 'inline' : 'attachment', file.name));
      res.setHeader('Content-Security-Policy', image ? IMAGE_CSP : FILE_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader('Cache-Control', 'private, max-age=300');
      res.setHeader('ETag', `"${blob.sha256}"`);
      if (req.get('if-none-match') === `"${blob.sha256}"`) {
        blob.stream.destroy();
        return void res.status(304).end();
      }
      res.setHeader('Content-Length', String(blob.size));
      await pipeline(blob.stream, res);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      answerAndClose(d.log, d.metrics, req, res, error);
    }
  };
  router.get('/api/uploads/:id', serve(false));
  router.get('/api/uploads/:id/thumbnail', serve(true));
  return router;
}
