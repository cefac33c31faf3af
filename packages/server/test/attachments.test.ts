import type { Message } from '@parley/protocol';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  connectAgent,
  connectVisitor,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
  sleep,
  type Visitor,
} from './helpers/clients.js';
import { services } from './helpers/cluster.js';
import { useCluster, useServer } from './helpers/fixtures.js';
import { authHeaders, download, PDF, unsigned, upload, uploaded } from './helpers/uploads.js';

/**
 * Attachments end to end against real server processes: upload (visitor and agent), send, receive, fetch;
 * who may fetch; bad input (too large, wrong type, floods); retries; the sweep of unused uploads. Once on
 * PGlite, once on PostgreSQL + Redis with two processes (the sender on one, the receiver on the other).
 */

const MAX_BYTES = 2 * 1024 * 1024;
const UPLOAD_LIMIT = 12;
const UNUSED_MS = 10_000;
const ENV = {
  PARLEY_UPLOAD_MAX_BYTES: String(MAX_BYTES),
  PARLEY_VISITOR_UPLOAD_LIMIT: String(UPLOAD_LIMIT),
  PARLEY_UPLOAD_UNUSED_MS: String(UNUSED_MS),
  PARLEY_UPLOAD_SWEEP_MS: '500',
};

const SIGNED = /^\/api\/uploads\/[\w-]+(\/thumbnail)?\?exp=\d+&sig=[0-9a-f]{64}$/;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .withExif({ IFD0: { Copyright: 'secret-owner' } })
    .toBuffer();

function suite(name: string, fixture: () => { urls: string[]; admin: string }) {
  describe(`attachments on ${name}`, { timeout: 60_000 }, () => {
    let siteKey = '';
    const here = () => fixture().urls[0]!;
    const there = () => fixture().urls[1] ?? fixture().urls[0]!;
    const visitors: Visitor[] = [];
    const visitor = async (base = here(), key?: string) => {
      siteKey ||= await defaultSiteKey(here(), fixture().admin);
      const v = await connectVisitor(base, key ?? siteKey);
      visitors.push(v);
      return { ...v, who: { visitorToken: v.session.visitorToken, siteKey: key ?? siteKey } };
    };
    const admin = () => ({ token: fixture().admin });
    const send = (v: Visitor, payload: object) => ok<{ message: Message }>(emit(v.socket, 'message:send', payload));

    // Shared between the tests below: a conversation whose visitor sent a PNG and a PDF.
    let first: Awaited<ReturnType<typeof visitor>>;
    let sent: Message;

    it('carries a visitor’s image and PDF to the agent, with working signed URLs', async () => {
      first = await visitor();
      const image = await png(64, 48);
      const shot = await uploaded(here(), first.who, image, 'screen shot.png');
      expect(shot).toMatchObject({ name: 'screen shot.png', type: 'image/png', width: 64, height: 48 });
      expect(shot.url).toMatch(SIGNED);
      expect(shot.thumbnailUrl).toMatch(SIGNED);
      const invoice = await uploaded(here(), first.who, PDF, 'invoice.pdf');
      expect(invoice).toMatchObject({ type: 'application/pdf', size: PDF.length });
      expect(invoice).not.toHaveProperty('width');

      const agent = await connectAgent(there(), fixture().admin);
      try {
        sent = (await send(first, { clientId: 'with-files', text: '', attachments: [shot.id, invoice.id] })).message;
        expect(sent.attachments.map((a) => a.id)).toEqual([shot.id, invoice.id]);
        const received = await eventually(() => {
          const m = agent.messages.find((x) => x.id === sent.id);
          if (!m) throw new Error('not received yet');
          return m;
        });
        expect(received.attachments.map((a) => a.name)).toEqual(['screen shot.png', 'invoice.pdf']);

        const pdf = await download(there(), received.attachments[1]!.url);
        expect(pdf.status).toBe(200);
        expect(pdf.bytes.equals(PDF)).toBe(true);
        expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
        expect(pdf.headers.get('content-type')).toBe('application/pdf');
        expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
        expect(pdf.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
        expect(pdf.headers.get('cache-control')).toMatch(/^private/);

        const full = await download(there(), received.attachments[0]!.url);
        expect(full.status).toBe(200);
        expect(full.headers.get('content-disposition')).toMatch(/^inline/);
        expect(full.bytes.includes('secret-owner')).toBe(false);
        expect(await sharp(full.bytes).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });
        const thumb = await download(there(), received.attachments[0]!.thumbnailUrl!);
        expect(thumb).toMatchObject({ status: 200 });
        expect(thumb.headers.get('content-type')).toBe('image/webp');

        // Every way messages reach clients carries them: the REST history and a visitor's sync.
        const history = await api(there(), `/api/conversations/${sent.conversationId}/messages`, admin());
        const listed = (history.body.messages as Message[]).find((m) => m.id === sent.id)!;
        expect(listed.attachments.map((a) => a.id)).toEqual([shot.id, invoice.id]);
        expect((await download(there(), listed.attachments[1]!.url)).bytes.equals(PDF)).toBe(true);
        const sync = await ok<{ messages: Message[] }>(emit(first.socket, 'messages:sync', { after: 0 }));
        expect(sync.messages.find((m) => m.id === sent.id)?.attachments).toHaveLength(2);
        const textOnly = sync.messages.filter((m) => m.id !== sent.id);
        for (const m of textOnly) expect(m.attachments).toEqual([]);
      } finally {
        agent.socket.disconnect();
      }
    });

    it('sends a retried message:send once, with the same attachments', async () => {
      const again = await send(first, {
        clientId: 'with-files',
        text: '',
        attachments: sent.attachments.map((a) => a.id),
      });
      expect(again.message.id).toBe(sent.id);
      expect(again.message.attachments.map((a) => a.id)).toEqual(sent.attachments.map((a) => a.id));
      const join = await ok<{ messages: Message[] }>(
        emit((await connectAgent(here(), fixture().admin)).socket, 'conversation:join', {
          conversationId: sent.conversationId,
        }),
      );
      expect(join.messages.filter((m) => m.clientId === 'with-files')).toHaveLength(1);
      // An attachment already sent cannot be sent again, not even by its uploader.
      const reuse = await emit(first.socket, 'message:send', {
        clientId: 'reuse',
        attachments: [sent.attachments[1]!.id],
      });
      expect(reuse).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    });

    it('serves a file to nobody else: another visitor, another site’s visitor, no one, a forged signature', async () => {
      const pdf = sent.attachments[1]!;
      const path = unsigned(pdf.url);
      const second = await visitor(there());
      const site = await api(here(), '/api/sites', {
        ...admin(),
        body: { name: `Other ${Date.now()}`, allowedOrigins: [] },
      });
      expect(site.status).toBe(201);
      const foreign = await visitor(here(), site.body.key);
      for (const headers of [authHeaders(second.who), authHeaders(foreign.who), {}]) {
        expect((await download(there(), path, headers)).status).toBe(404);
        expect((await download(there(), `${path}?exp=9999999999&sig=${'0'.repeat(64)}`, headers)).status).toBe(404);
        const expired = pdf.url.replace(/exp=\d+/, 'exp=1000');
        expect((await download(there(), expired, headers)).status).toBe(404);
      }
      // Without a (valid) signature, the conversation's visitor and any agent need their headers.
      expect((await download(there(), path, authHeaders(first.who))).bytes.equals(PDF)).toBe(true);
      const expired = pdf.url.replace(/exp=\d+/, 'exp=1000');
      expect((await download(there(), expired, authHeaders(first.who))).bytes.equals(PDF)).toBe(true);
      expect((await download(here(), path, authHeaders(admin()))).bytes.equals(PDF)).toBe(true);
      // Nor can another visitor attach someone else's upload.
      const mine = await uploaded(here(), first.who, PDF, 'mine.pdf');
      const theft = await emit(second.socket, 'message:send', { clientId: 'theft', attachments: [mine.id] });
      expect(theft).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      expect((await download(there(), unsigned(mine.url), authHeaders(second.who))).status).toBe(404);
    });

    it('carries an agent’s image to the visitor; an internal note’s file never reaches the visitor', async () => {
      const image = await uploaded(there(), admin(), await png(40, 30), 'reply.png');
      const reply = await ok<{ message: Message }>(
        emit((await connectAgent(there(), fixture().admin)).socket, 'message:send', {
          conversationId: sent.conversationId,
          clientId: 'agent-image',
          text: 'here you go',
          attachments: [image.id],
        }),
      );
      const received = await eventually(() => {
        const m = first.messages.find((x) => x.id === reply.message.id);
        if (!m) throw new Error('not received yet');
        return m;
      });
      const file = await download(here(), received.attachments[0]!.url);
      expect(file.status).toBe(200);
      expect(await sharp(file.bytes).metadata()).toMatchObject({ width: 40, height: 30 });

      const secret = await uploaded(there(), admin(), Buffer.from('internal numbers\n'), 'notes.txt');
      const agent = await connectAgent(there(), fixture().admin);
      const note = await ok<{ message: Message }>(
        emit(agent.socket, 'message:send', {
          conversationId: sent.conversationId,
          clientId: 'agent-note',
          internal: true,
          attachments: [secret.id],
        }),
      );
      expect(note.message).toMatchObject({ internal: true, text: '' });
      await sleep(300);
      expect(first.messages.some((m) => m.id === note.message.id)).toBe(false);
      const sync = await ok<{ messages: Message[] }>(emit(first.socket, 'messages:sync', { after: 0 }));
      expect(sync.messages.some((m) => m.id === note.message.id)).toBe(false);
      const path = unsigned(note.message.attachments[0]!.url);
      expect((await download(here(), path, authHeaders(first.who))).status).toBe(404);
      const agentView = await download(here(), path, authHeaders(admin()));
      expect(agentView.status).toBe(200);
      expect(agentView.headers.get('content-disposition')).toMatch(/^attachment/);
    });

    it('refuses a file over the limit with 413 before the body is read, and HTML or SVG named .png with 415', async () => {
      const v = await visitor();
      const boundary = 'parley-boundary';
      const total = 64 * 1024 * 1024;
      let sentBytes = 0;
      const piece = new Uint8Array(64 * 1024).fill(0x61);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(
            new TextEncoder().encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n`,
            ),
          );
        },
        pull(controller) {
          if (sentBytes >= total) return controller.close();
          sentBytes += piece.length;
          controller.enqueue(piece);
        },
      });
      const res = await fetch(`${here()}/api/uploads?siteKey=${siteKey}`, {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { ...authHeaders(v.who), 'content-type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit);
      const answeredAt = sentBytes;
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
      expect(answeredAt).toBeLessThan(total / 4);

      for (const markup of [
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<!DOCTYPE html><script>x</script>',
      ]) {
        const refused = await upload(here(), v.who, Buffer.from(markup), 'x.png', 'image/png');
        expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
          status: 415,
          code: 'unsupported_type',
        });
      }
    });

    it('accepts only the types a site allows (uploadTypes)', async () => {
      const created = await api(here(), '/api/sites', {
        ...admin(),
        body: { name: `PDF only ${Date.now()}`, allowedOrigins: [], settings: { uploadTypes: ['application/pdf'] } },
      });
      expect(created.status).toBe(201);
      const v = await visitor(here(), created.body.key);
      const image = await upload(here(), v.who, await png(10, 10), 'a.png');
      expect({ status: image.status, code: image.body.error?.code }).toEqual({ status: 415, code: 'unsupported_type' });
      expect((await upload(here(), v.who, PDF, 'a.pdf')).status).toBe(201);
      const bad = await api(here(), `/api/sites/${created.body.id}`, {
        ...admin(),
        method: 'PATCH',
        body: { settings: { uploadTypes: ['image/svg+xml'] } },
      });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    });

    it('answers 401 without credentials and 404 for an unknown site key', async () => {
      const form = new FormData();
      form.append('file', new Blob([PDF]), 'a.pdf');
      expect((await fetch(`${here()}/api/uploads`, { method: 'POST', body: form })).status).toBe(401);
      const v = await visitor();
      const res = await upload(here(), { ...v.who, siteKey: 'no-such-site' }, PDF, 'a.pdf');
      expect(res).toMatchObject({ status: 404, body: { error: { code: 'unknown_site' } } });
    });

    it('limits a visitor’s uploads across processes: 30 at once, at most the limit stored', async () => {
      const v = await visitor();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          upload(i % 2 ? there() : here(), v.who, Buffer.from(`file ${i}\n`), `f${i}.txt`),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(UPLOAD_LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30 - UPLOAD_LIMIT);
      // Another visitor is not held back by this one.
      const other = await visitor(there());
      expect((await upload(there(), other.who, PDF, 'ok.pdf')).status).toBe(201);
    });

    it('deletes an upload no message used, and keeps the ones sent', async () => {
      const v = await visitor();
      const unused = await uploaded(here(), v.who, PDF, 'forgotten.pdf');
      expect((await download(here(), unsigned(unused.url), authHeaders(v.who))).status).toBe(200);
      await eventually(
        async () => expect((await download(here(), unsigned(unused.url), authHeaders(v.who))).status).toBe(404),
        UNUSED_MS + 10_000,
        250,
      );
      expect(
        (await download(there(), unsigned(sent.attachments[1]!.url), authHeaders(first.who))).bytes.equals(PDF),
      ).toBe(true);
      for (const v of visitors.splice(0)) v.socket.disconnect();
    });
  });
}

const pglite = useServer(ENV);
suite('PGlite (one process)', () => ({ urls: [pglite.url], admin: pglite.admin }));

const env = await services({ redis: true, postgres: true });
describe.skipIf(!env.run)('two processes', () => {
  const cluster = useCluster(2, { env: ENV, assert: env.assert });
  let admin = '';
  beforeAll(async () => {
    admin = await login(cluster.urls[0]!);
  });
  suite('PostgreSQL + Redis (two processes)', () => ({ urls: cluster.urls, admin }));
});
