import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentSweeper } from '../src/domain/attachment-sweeper.js';
import { createLogger } from '../src/logger.js';
import { migrate } from '../src/store/migrations.js';
import { createStore, type Store } from '../src/store/store.js';
import { requirePostgres } from './helpers/postgres.js';
import { pgliteBackend, postgresBackend } from './helpers/store-backends.js';

/**
 * The attachment store on every backend: a message with attachments is stored with all of them or not at
 * all, exactly once per clientId; text-only reads stay attachment-free; the sweep deletes unused uploads
 * and the files of deleted conversations, blobs included, and keeps what messages use.
 */

const hasPostgres = await requirePostgres();
const backends = [pgliteBackend, ...(hasPostgres ? [postgresBackend(10)] : [])];

describe.each(backends)('attachments store on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let siteId: string;
  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrate(opened.db);
    store = createStore(opened.db);
    siteId = (await store.sites.create({ name: 'Files', allowedOrigins: [] })).id;
  }, 60_000);
  afterAll(async () => cleanup?.());

  const sweeper = (unusedMs: number) =>
    new AttachmentSweeper({ store, blobs: store.blobs, unusedMs, everyMs: 60_000, log: createLogger('silent') });

  const setup = async () => {
    const visitor = await store.visitors.create(siteId);
    const { conversation } = await store.conversations.openOrCreate(siteId, visitor.id);
    const file = async (name: string) => {
      const blob = await store.blobs.write(Readable.from([Buffer.from(`bytes of ${name}`)]));
      const attachment = await store.attachments.create({
        siteId,
        uploader: { kind: 'visitor', id: visitor.id },
        name,
        type: 'text/plain',
        size: blob.size,
        blobId: blob.id,
        thumbnailBlobId: null,
        width: null,
        height: null,
      });
      return { attachment, blobId: blob.id };
    };
    const message = (clientId: string, attachmentIds: string[]) => ({
      conversationId: conversation.id,
      clientId,
      author: 'visitor' as const,
      authorId: visitor.id,
      authorName: null,
      text: '',
      internal: false,
      requireOpen: true,
      visitorId: visitor.id,
      attachmentIds,
    });
    return { visitor, conversation, file, message };
  };

  it('stores a message with its attachments once; a repeat returns it; an unusable id stores nothing', async () => {
    const { visitor, conversation, file, message } = await setup();
    const a = await file('a.txt');
    const b = await file('b.txt');
    const first = await store.messages.appendWithAttachments(message('k1', [b.attachment.id, a.attachment.id]));
    if (!first || first === 'unbound') throw new Error('not stored');
    expect(first.created).toBe(true);
    expect(first.message.attachments.map((x) => x.name)).toEqual(['b.txt', 'a.txt']);
    const again = await store.messages.appendWithAttachments(message('k1', [b.attachment.id, a.attachment.id]));
    expect(again).toMatchObject({ created: false, message: { id: first.message.id } });
    if (again && again !== 'unbound') expect(again.message.attachments).toHaveLength(2);

    const c = await file('c.txt');
    // `a` is used already: nothing is stored, not even `c`'s binding, and no seq is spent.
    const refused = await store.messages.appendWithAttachments(message('k2', [c.attachment.id, a.attachment.id]));
    expect(refused).toBe('unbound');
    const text = await store.messages.append({ ...message('k3', []), text: 'plain' });
    expect(text?.message.seq).toBe(first.message.seq + 1);
    const listed = await store.messages.list(conversation.id, { includeInternal: true });
    expect(listed.map((m) => m.attachments.length)).toEqual(listed.map((m) => (m.id === first.message.id ? 2 : 0)));
    expect(await store.attachments.usable([c.attachment.id], { kind: 'visitor', id: visitor.id })).toBe(true);
  });

  it('sweeps unused uploads and deleted conversations’ files with their blobs, keeping used ones', async () => {
    const { conversation, file, message } = await setup();
    const used = await file('used.txt');
    const unused = await file('unused.txt');
    await store.messages.appendWithAttachments(message('s1', [used.attachment.id]));
    await Promise.all([sweeper(0).sweep(), sweeper(0).sweep()]);
    expect(await store.attachments.file(unused.attachment.id)).toBeNull();
    expect(await store.blobs.read(unused.blobId)).toBeNull();
    expect(await store.attachments.file(used.attachment.id)).not.toBeNull();
    expect(await store.blobs.read(used.blobId)).not.toBeNull();

    await store.db.query('delete from conversations where id = $1', [conversation.id]);
    expect(await sweeper(3_600_000).sweep()).toBeGreaterThanOrEqual(1);
    expect(await store.attachments.file(used.attachment.id)).toBeNull();
    expect(await store.blobs.read(used.blobId)).toBeNull();
  });

  it('keeps a recent unused upload until it is older than the limit', async () => {
    const { file } = await setup();
    const recent = await file('recent.txt');
    await sweeper(3_600_000).sweep();
    expect(await store.attachments.file(recent.attachment.id)).not.toBeNull();
  });
});
