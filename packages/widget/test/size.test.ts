import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { BUDGET, ENCODINGS, measure, report } from '../scripts/size.mjs';

/**
 * Builds the widget into a temp dir and holds what the server sends from it (the build's .br and .gz
 * variants) to the budget, for each encoding: loader ≤ 3 KB; loader + app + one locale ≤ 30 KB; each part
 * fetched on first use only (attachments, rating, closed notice) ≤ 8 KB on its own.
 * packages/server/test/compression.test.ts checks the same figures as received from a running server.
 */

type Sized = { file: string; bytes: number; encoding: string };
type Measurement = Record<
  string,
  {
    loader: Sized;
    app: Sized[];
    locales: Sized[];
    afterOpen: number;
    lazy: Record<string, { files: Sized[]; bytes: number }>;
  }
>;

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// vite's own CLI, run by this node: no pnpm needed on PATH
const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
const encodings = Object.keys(ENCODINGS);
let outDir: string;
let m: Measurement;

describe('widget size budget, bytes on the wire', () => {
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'parley-widget-size-'));
    // vitest sets NODE_ENV=test; the budget is about what visitors get: a production build
    const env = { ...process.env, NODE_ENV: 'production', PARLEY_WIDGET_OUT_DIR: outDir };
    for (const config of ['vite.config.ts', 'vite.loader.config.ts'])
      execFileSync(process.execPath, [vite, 'build', '-c', config, '--logLevel', 'error'], {
        cwd: pkg,
        env,
        stdio: 'inherit',
      });
    m = await measure(outDir);
    console.log(`\n${report(m)}\n`);
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(encodings)('every file the chat loads has a %s variant for the server to send', (encoding) => {
    const e = m[encoding]!;
    const lazy = Object.values(e.lazy).flatMap((l) => l.files);
    for (const f of [e.loader, ...e.app, ...e.locales, ...lazy]) expect(f.encoding, f.file).toBe(encoding);
  });

  it.each(encodings)(`loader widget.js is at most ${BUDGET.loader} bytes as sent with %s`, (encoding) => {
    expect(m[encoding]!.loader.bytes).toBeLessThanOrEqual(BUDGET.loader);
  });

  it.each(encodings)(`loader + app + one locale is at most ${BUDGET.afterOpen} bytes as sent with %s`, (encoding) => {
    expect(m[encoding]!.afterOpen).toBeLessThanOrEqual(BUDGET.afterOpen);
  });

  it.each(encodings)(`each part loaded on first use is at most ${BUDGET.lazy} bytes as sent with %s`, (encoding) => {
    const lazy = m[encoding]!.lazy;
    // what is not needed to chat stays out of the app: files, the rating form, the email forms (with the closed/offline notice)
    expect(Object.keys(lazy).sort()).toEqual(['RatingForm', 'attachments', 'email-forms']);
    for (const [name, l] of Object.entries(lazy)) expect(l.bytes, name).toBeLessThanOrEqual(BUDGET.lazy);
  });
});
