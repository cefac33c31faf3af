import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pnpm } from './pnpm.mjs';

/** `pnpm start`: build whatever is missing, then run the server (widget, console and API) in this process. */
const root = fileURLToPath(new URL('..', import.meta.url));
// The widget and console are looked for by their pre-compressed entry: a build without its .br/.gz
// variants is rebuilt, or its files would go out uncompressed.
const builds = [
  ['@parley/server', 'packages/server/dist/main.js'],
  ['@parley/widget', 'packages/widget/dist/widget.js.br'],
  ['@parley/agent-console', 'packages/agent-console/dist/index.html.br'],
];
for (const [pkg, artifact] of builds) {
  if (!existsSync(new URL(`../${artifact}`, import.meta.url))) {
    process.stderr.write(`building ${pkg}…\n`);
    pnpm(['--filter', pkg, 'run', 'build'], { cwd: root });
  }
}
await import('../packages/server/dist/main.js');

// `pnpm start` runs this script under `sh -c`; a SIGTERM sent to pnpm stops pnpm and the shell but is not
// passed on, which would leave the server running as an orphan. When our parent goes away, stop
// gracefully as if we had received the SIGTERM ourselves.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 250).unref();
