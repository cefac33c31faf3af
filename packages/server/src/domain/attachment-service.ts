import type { Agent, Attachment } from '@parley/protocol';
import type { Coordinator } from '../coord/coordinator.js';
import type { AttachmentFile, NewAttachment } from '../store/attachments-repo.js';
import type { Store } from '../store/store.js';
import type { AttachmentUrls } from './attachment-urls.js';
import { refuse } from './errors.js';

/** Who asks for a file: a visitor (of a site) or an agent; null when the request carried no credentials. */
export type Viewer = { kind: 'visitor'; id: string; siteId: string } | { kind: 'agent'; agent: Agent } | null;

type RateLimit = { limit: number; windowMs: number };

/**
 * Who may upload and read attachment files. Reading follows the conversation's own rule: its visitor
 * (never an internal note's file) and every agent (agents may read every conversation, as
 * `GET /api/conversations/:id`). An attachment no message used yet is its uploader's alone.
 */
export class AttachmentService {
  constructor(
    private readonly store: Store,
    private readonly coord: Coordinator,
    readonly urls: AttachmentUrls,
    private readonly limits: { visitorUploads: RateLimit },
  ) {}

  /** Counts an upload against the visitor's limit (on every process); refused `rate_limited` past it. */
  async admitUpload(uploader: NonNullable<Viewer>): Promise<void> {
    if (uploader.kind !== 'visitor') return;
    const { limit, windowMs } = this.limits.visitorUploads;
    const hits = await this.coord.increment(`rate:upload:${uploader.id}`, windowMs);
    if (hits > limit) throw refuse('rate_limited', 'too many uploads; wait a minute');
  }

  /** Records a stored upload as an attachment of its uploader; answers it with signed URLs. */
  async register(uploader: NonNullable<Viewer>, file: Omit<NewAttachment, 'siteId' | 'uploader'>): Promise<Attachment> {
    const attachment = await this.store.attachments.create({
      ...file,
      siteId: uploader.kind === 'visitor' ? uploader.siteId : null,
      uploader:
        uploader.kind === 'visitor' ? { kind: 'visitor', id: uploader.id } : { kind: 'agent', id: uploader.agent.id },
    });
    return this.urls.attachment(attachment);
  }

  /** The attachment when `viewer` may read it; null otherwise (answered as a missing file). */
  async readable(id: string, viewer: Viewer): Promise<AttachmentFile | null> {
    const file = await this.store.attachments.file(id);
    return file && viewer && mayRead(file, viewer) ? file : null;
  }

  /** The attachment whatever the viewer: for a request carrying a valid signature. */
  signed(id: string): Promise<AttachmentFile | null> {
    return this.store.attachments.file(id);
  }
}

function mayRead(file: AttachmentFile, viewer: NonNullable<Viewer>): boolean {
  if (file.conversationId === null)
    return (
      viewer.kind === file.uploader.kind && (viewer.kind === 'agent' ? viewer.agent.id : viewer.id) === file.uploader.id
    );
  if (viewer.kind === 'agent') return true;
  return !file.internal && file.visitorId === viewer.id && file.siteId === viewer.siteId;
}
