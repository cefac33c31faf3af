import { build } from 'esbuild';

// Bundles the server (and the shared protocol source) into ESM files; npm dependencies stay external.
await build({
  entryPoints: { main: 'src/main.ts' },
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
