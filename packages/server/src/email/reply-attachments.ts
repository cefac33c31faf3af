import { Readable } from 'node:stream';
import { LIMITS } from '@parley/protocol/entities';
import type { AttachmentService } from '../domain/attachment-service.js';
import type { MailAttachment } from '../domain/email/inbound-mail.js';
import { DomainError } from '../domain/errors.js';
import { cleanFileName, storeFile } from '../http/upload-receiver.js';
import type { Store } from '../store/store.js';

/** What became of an emailed reply's files: attachment ids to send with the message, names not kept. */
export type KeptAttachments = { ids: string[]; notKept: string[] };

/**
 * The files of an emailed reply, kept as the visitor's uploads under the same rules as the widget's: the
 * site's upload types, PARLEY_UPLOAD_MAX_BYTES, images re-encoded, at most 10 per message. A file those
 * rules refuse is left out and named (`notKept`); an outage of the store fails the whole reply (retried).
 */
export class ReplyAttachments {
  constructor(
    private readonly store: Store,
    private readonly attachments: AttachmentService,
    private readonly maxBytes: number,
  ) {}

  async keep(files: MailAttachment[], visitor: { id: string; siteId: string }): Promise<KeptAttachments> {
    const kept: KeptAttachments = { ids: [], notKept: [] };
    if (files.length === 0) return kept;
    const site = await this.store.sites.byId(visitor.siteId);
    const allowed = site?.settings.uploadTypes ? new Set<string>(site.settings.uploadTypes) : undefined;
    const uploader = { kind: 'visitor' as const, id: visitor.id, siteId: visitor.siteId };
    for (const file of files) {
      const name = cleanFileName(file.name);
      if (kept.ids.length >= LIMITS.attachmentsMax || file.content.length > this.maxBytes) {
        kept.notKept.push(name);
        continue;
      }
      try {
        const stored = await storeFile(
          Readable.from([file.content]),
          { maxBytes: this.maxBytes, ...(allowed ? { allowedTypes: allowed } : {}) },
          this.store.blobs,
        );
        const image = 'thumbnail' in stored ? stored : null;
        const attachment = await this.attachments.register(uploader, {
          name,
          type: stored.type,
          size: stored.blob.size,
          blobId: stored.blob.id,
          thumbnailBlobId: image?.thumbnail.id ?? null,
          width: image?.width ?? null,
          height: image?.height ?? null,
        });
        kept.ids.push(attachment.id);
      } catch (error) {
        // A type the site does not take, an image that does not decode: left out, named in the message.
        if (error instanceof DomainError && error.fault === 'refused') kept.notKept.push(name);
        else throw error;
      }
    }
    return kept;
  }
}
