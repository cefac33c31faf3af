import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../transport/chat-client';
import { Outbox } from '../transport/outbox';
import { hold } from './held-files';
import type { PostFileResult } from './post-file';
import { cancel, upload } from './upload';

// the network, scripted: each call answers with the next result (or waits for the test to answer)
const posted: string[] = [];
let answers: (PostFileResult | Promise<PostFileResult>)[] = [];
vi.mock('./post-file', () => ({
  postFile: vi.fn(async (url: string, auth: string, file: File, _progress: unknown, signal: AbortSignal) => {
    posted.push(`${file.name} ${auth} ${url}`);
    const answer = answers.shift() ?? { error: 'disconnected' };
    return Promise.race([
      answer,
      new Promise<PostFileResult>((resolve) => signal.addEventListener('abort', () => resolve({ error: 'canceled' }))),
    ]);
  }),
}));

const stored = (id: string) => ({
  attachment: { id, name: id, type: 'image/png', size: 1, url: `/api/uploads/${id}` },
});

function fakeClient(): ChatClient {
  let saved: string | null = null;
  const outbox = new Outbox({
    load: () => saved,
    save: (v) => {
      saved = v;
    },
  });
  return {
    outbox,
    options: { serverOrigin: 'https://chat.example', siteKey: 'site 1' },
    refreshOutbox: vi.fn(),
  } as unknown as ChatClient;
}

describe('upload', () => {
  beforeEach(() => {
    posted.length = 0;
    answers = [];
    vi.stubGlobal('window', { localStorage: { getItem: () => 'tok' } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('uploads each file once: after a network drop only the files without an id go again', async () => {
    const client = fakeClient();
    const files = [new File(['a'], 'a.png'), new File(['b'], 'b.pdf')];
    const item = client.outbox.add('look', hold(files));
    answers = [stored('att-a'), { error: 'disconnected' }];
    expect(await upload(client, item)).toBe('disconnected');
    expect(posted).toEqual([
      'a.png Visitor tok https://chat.example/api/uploads?siteKey=site%201',
      'b.pdf Visitor tok https://chat.example/api/uploads?siteKey=site%201',
    ]);
    expect(client.outbox.list()[0]!.attachments!.map((a) => a.id)).toEqual(['att-a', undefined]);

    answers = [stored('att-b')];
    expect(await upload(client, client.outbox.list()[0]!)).toBeUndefined();
    expect(posted.slice(2)).toEqual(['b.pdf Visitor tok https://chat.example/api/uploads?siteKey=site%201']);
    expect(client.outbox.list()[0]!.attachments!.map((a) => a.id)).toEqual(['att-a', 'att-b']);
  });

  it("fails with file_lost when a file's bytes went with a reload, and sends the rest when retried", async () => {
    const client = fakeClient();
    const item = client.outbox.add('look', [
      { key: 'gone', name: 'gone.png', type: 'image/png', size: 5 },
      { key: 'up', name: 'up.png', type: 'image/png', size: 5, id: 'att-up' },
    ]);
    expect(await upload(client, item)).toBe('file_lost');
    client.outbox.fail(item.clientId, 'file_lost');
    client.outbox.retry(item.clientId);
    expect(await upload(client, client.outbox.list()[0]!)).toBeUndefined();
    expect(client.outbox.list()[0]!.attachments).toEqual([
      { key: 'up', name: 'up.png', type: 'image/png', size: 5, id: 'att-up' },
    ]);
    expect(posted).toEqual([]);
  });

  it('cancel stops the running upload and drops the message', async () => {
    const client = fakeClient();
    const item = client.outbox.add('', hold([new File(['x'], 'big.pdf')]));
    answers = [new Promise(() => {})];
    const running = upload(client, item);
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    cancel(client, item.clientId);
    expect(await running).toBe('canceled');
    expect(client.outbox.size).toBe(0);
  });
});
