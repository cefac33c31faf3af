// Pre-compresses the built widget and console: every text asset gets a `.br` and a `.gz` next to it, which
// the server sends as is to clients that accept them (packages/server/src/http/precompressed.ts).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';

/** Files worth compressing. Kept in step with TEXT_ASSET in the server's precompressed.ts. */
export const TEXT_ASSET = /\.(?:js|mjs|css|html|json|svg|map|txt|xml|webmanifest)$/;

/**
 * Suffix → compressor, both at their best ratio: this runs once per build, not per request. The gzip is
 * Zopfli's (plain gzip any client inflates, smaller than zlib's best), which keeps the widget within its
 * budget for clients without brotli too (browsers offer br only over HTTPS).
 */
const VARIANTS = {
  '.br': (bytes) =>
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  '.gz': async (bytes) => Buffer.from(await gzipAsync(bytes, { numiterations: 15 })),
};

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Writes `<file>.br` and `<file>.gz` for every text asset under `dir`, always, even where compression gains
 * little (a few hundred bytes of HTML): every text asset then has both variants, and what is sent is the
 * same whatever the file. A variant newer than its file is kept (the widget's second build re-runs this).
 */
export async function precompressDir(dir) {
  for (const file of files(dir)) {
    if (!TEXT_ASSET.test(file)) continue;
    const mtime = statSync(file).mtimeMs;
    let bytes;
    for (const [suffix, compress] of Object.entries(VARIANTS)) {
      const variant = file + suffix;
      if (existsSync(variant) && statSync(variant).mtimeMs >= mtime) continue;
      bytes ??= readFileSync(file);
      writeFileSync(variant, await compress(bytes));
    }
  }
}

/** Vite plugin: pre-compresses the output directory once the build has written it (public files included). */
export function precompress() {
  let outDir;
  return {
    name: 'parley:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompressDir(outDir);
    },
  };
}
