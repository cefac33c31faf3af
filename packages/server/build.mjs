import { build } from 'esbuild';

// Bundles the server (and the shared protocol source) into ESM files; npm dependencies stay external.
// Two entry points: the server, and the worker thread that owns the embedded database
// (dist/pglite-worker.js, found next to the server code by store/pglite-worker-client.ts).
await build({
  entryPoints: { main: 'src/main.ts', 'pglite-worker': 'src/store/pglite-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  splitting: true,
  packages: 'external',
  external: [],
  alias: {},
  plugins: [
    {
      name: 'bundle-workspace-protocol',
      setup(b) {
        b.onResolve({ filter: /^@parley\/protocol/ }, async (args) => {
          const sub = args.path.slice('@parley/protocol'.length) || '/index';
          return { path: new URL(`../protocol/src${sub}.ts`, import.meta.url).pathname };
        });
      },
    },
  ],
  logLevel: 'warning',
});
