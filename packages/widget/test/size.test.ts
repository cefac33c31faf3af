import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { BUDGET, measure, report } from '../scripts/size.mjs';

/** Builds the widget into a temp dir and holds it to its budget: loader ≤ 3 KB, after opening ≤ 30 KB (gzip). */

type Measurement = { loader: { gzip: number }; afterOpen: number };

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let outDir: string;
let m: Measurement;

describe('widget size budget', () => {
  beforeAll(() => {
    outDir = mkdtempSync(path.join(tmpdir(), 'parley-widget-size-'));
    // vitest sets NODE_ENV=test; the budget is about what visitors get: a production build
    const env = { ...process.env, NODE_ENV: 'production', PARLEY_WIDGET_OUT_DIR: outDir };
    execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'error'], { cwd: pkg, env, stdio: 'inherit' });
    execFileSync('pnpm', ['exec', 'vite', 'build', '-c', 'vite.loader.config.ts', '--logLevel', 'error'], {
      cwd: pkg,
      env,
      stdio: 'inherit',
    });
    m = measure(outDir);
    console.log(`\n${report(m)}\n`);
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it(`loader widget.js is at most ${BUDGET.loader} bytes gzip`, () => {
    expect(m.loader.gzip).toBeLessThanOrEqual(BUDGET.loader);
  });

  it(`everything loaded after opening is at most ${BUDGET.afterOpen} bytes gzip`, () => {
    expect(m.afterOpen).toBeLessThanOrEqual(BUDGET.afterOpen);
  });
});
