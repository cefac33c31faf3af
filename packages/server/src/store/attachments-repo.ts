import type { Attachment } from '@parley/protocol';
import { newId } from './ids.js';
import { toAttachment } from './rows.js';
import type { Row, SqlDatabase, SqlExecutor } from './sql.js';

/** Who uploaded an attachment: only they may attach it to a message. */
export type Uploader = { kind: 'visitor' | 'agent'; id: string };

export type NewAttachment = {
  /** The visitor's site; null for an agent's upload. */
  siteId: string | null;
  uploader: Uploader;
  name: string;
  type: string;
  size: number;
  blobId: string;
  thumbnailBlobId: string | null;
  width: number | null;
  height: number | null;
};

/** An attachment as the file route sees it: where its bytes are and what decides who may read them. */
export type AttachmentFile = {
  id: string;
  name: string;
  type: string;
  size: number;
  blobId: string;
  thumbnailBlobId: string | null;
  uploader: Uploader;
  /** Null until a message uses it (or after its conversation was deleted). */
  conversationId: string | null;
  /** The conversation's site and visitor, when bound. */
  siteId: string | null;
  visitorId: string | null;
  /** The message using it is an internal note: agents only. */
  internal: boolean;
};

/** The blobs of attachments being deleted: what the caller deletes from the blob store. */
export type DoomedAttachment = { id: string; blobIds: string[] };

const ATTACHMENT_COLUMNS = 'a.id, a.name, a.type, a.size, a.width, a.height, a.thumbnail_blob_id';

/**
 * Binds the uploader's own unbound attachments to a message, in the caller's transaction, keeping the
 * order of `ids`. Returns how many it bound: fewer than `ids.length` means some were someone else's, used
 * already, swept or unknown, and the caller must roll back.
 */
export async function bindAttachments(
  tx: SqlExecutor,
  input: { ids: readonly string[]; conversationId: string; messageId: string; uploader: Uploader },
): Promise<number> {
  const rows = await tx.query(
    `update attachments set conversation_id = $2, message_id = $3, position = array_position($1::text[], id)
     where id = any($1::text[]) and message_id is null and not deleting and uploader_kind = $4 and uploader_id = $5
     returning id`,
    [[...input.ids], input.conversationId, input.messageId, input.uploader.kind, input.uploader.id],
  );
  return rows.length;
}

/** The attachments of these messages, in message order, keyed by message id. */
export async function attachmentsOf(db: SqlExecutor, messageIds: readonly string[]) {
  const byMessage = new Map<string, Attachment[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db.query(
    `select a.message_id, ${ATTACHMENT_COLUMNS} from attachments a
     where a.message_id = any($1::text[]) order by a.message_id, a.position`,
    [[...messageIds]],
  );
  for (const row of rows) {
    const key = String(row.message_id);
    const list = byMessage.get(key) ?? [];
    list.push(toAttachment(row));
    byMessage.set(key, list);
  }
  return byMessage;
}

const toFile = (row: Row): AttachmentFile => ({
  id: String(row.id),
  name: String(row.name),
  type: String(row.type),
  size: Number(row.size),
  blobId: String(row.blob_id),
  thumbnailBlobId: row.thumbnail_blob_id == null ? null : String(row.thumbnail_blob_id),
  uploader: { kind: row.uploader_kind as Uploader['kind'], id: String(row.uploader_id) },
  conversationId: row.conversation_id == null ? null : String(row.conversation_id),
  siteId: row.c_site_id == null ? null : String(row.c_site_id),
  visitorId: row.c_visitor_id == null ? null : String(row.c_visitor_id),
  internal: row.internal === true,
});

export function attachmentsRepo(db: SqlDatabase) {
  return {
    async create(input: NewAttachment): Promise<Attachment> {
      const [row] = await db.query(
        `insert into attachments (id, site_id, uploader_kind, uploader_id, name, type, size, blob_id,
           thumbnail_blob_id, width, height)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning id, name, type, size, width, height, thumbnail_blob_id`,
        [
          newId(),
          input.siteId,
          input.uploader.kind,
          input.uploader.id,
          input.name,
          input.type,
          input.size,
          input.blobId,
          input.thumbnailBlobId,
          input.width,
          input.height,
        ],
      );
      return toAttachment(row!);
    },

    /** True when every id is the uploader's own attachment, not bound to a message yet. */
    async usable(ids: readonly string[], uploader: Uploader): Promise<boolean> {
      const [row] = await db.query<{ n: number }>(
        `select count(*)::int as n from attachments
         where id = any($1::text[]) and message_id is null and not deleting and uploader_kind = $2 and uploader_id = $3`,
        [[...ids], uploader.kind, uploader.id],
      );
      return Number(row?.n) === ids.length;
    },

    /** An attachment and what decides who may read it; null when unknown or being deleted. */
    async file(id: string): Promise<AttachmentFile | null> {
      const [row] = await db.query(
        `select a.*, c.site_id as c_site_id, c.visitor_id as c_visitor_id, coalesce(m.internal, false) as internal
         from attachments a
         left join conversations c on c.id = a.conversation_id
         left join messages m on m.id = a.message_id
         where a.id = $1 and not a.deleting`,
        [id],
      );
      return row ? toFile(row) : null;
    },

    /** The attachments of these messages, keyed by message id. */
    forMessages: (messageIds: readonly string[]) => attachmentsOf(db, messageIds),

    /**
     * Takes for deletion the attachments no message used since before `unboundBefore`, and those whose
     * conversation was deleted. Safe on every process at once: rows are only ever marked, once.
     */
    async markUnused(unboundBefore: Date): Promise<void> {
      await db.query(
        `update attachments set deleting = true
         where not deleting and ((message_id is null and created_at < $1) or (message_id is not null and conversation_id is null))`,
        [unboundBefore.toISOString()],
      );
    },

    /** Up to `limit` attachments marked for deletion, with their blobs. */
    async marked(limit: number): Promise<DoomedAttachment[]> {
      const rows = await db.query('select id, blob_id, thumbnail_blob_id from attachments where deleting limit $1', [
        limit,
      ]);
      return rows.map((row) => ({
        id: String(row.id),
        blobIds:
          row.thumbnail_blob_id == null ? [String(row.blob_id)] : [String(row.blob_id), String(row.thumbnail_blob_id)],
      }));
    },

    /** Deletes attachment rows (their blobs must be deleted first). */
    async remove(ids: readonly string[]): Promise<void> {
      if (ids.length > 0) await db.query('delete from attachments where id = any($1::text[])', [[...ids]]);
    },
  };
}
