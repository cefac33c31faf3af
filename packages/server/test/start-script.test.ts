import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/clients.js';
import { removeDir } from './helpers/server.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-start-'));
afterAll(() => removeDir(dataDir));

describe('pnpm start (scripts/start.mjs)', () => {
  it('serves from one process and stops gracefully when the shell that pnpm runs it in is terminated', async () => {
    // pnpm runs scripts as `sh -c "…"`: a SIGTERM to pnpm ends the shell but is not passed on.
    const shell = spawn('sh', ['-c', 'node scripts/start.mjs; true'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir, PARLEY_ADMIN_PASSWORD: 'start-test-pw' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    shell.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const port = await eventually(() => {
      const match = /"port":(\d+),"msg":"listening"/.exec(out);
      if (!match) throw new Error('not listening yet');
      return Number(match[1]);
    }, 45_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    for (const route of ['/widget.js', '/console/']) {
      const res = await fetch(`http://127.0.0.1:${port}${route}`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.status, route).toBe(200);
      // built with their pre-compressed variants, which the server sends
      expect(res.headers.get('content-encoding'), route).toBe('br');
    }

    shell.kill('SIGTERM');
    await eventually(() => expect(out).toContain('"msg":"stopped"'), 10_000);
    await eventually(async () => {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }, 5000);
  }, 60_000);
});
