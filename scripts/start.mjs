import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pnpm } from './pnpm.mjs';

/** `pnpm start`: build whatever is missing, then run the server (widget, console and API) in this process. */
const root = fileURLToPath(new URL('..', import.meta.url));
const builds = [
  ['@parley/server', 'packages/server/dist/main.js'],
  ['@parley/widget', 'packages/widget/dist/widget.js'],
  ['@parley/agent-console', 'packages/agent-console/dist/index.html'],
];
for (const [pkg, artifact] of builds) {
  if (!existsSync(new URL(`../${artifact}`, import.meta.url))) {
    process.stderr.write(`building ${pkg}…\n`);
    pnpm(['--filter', pkg, 'run', 'build'], { cwd: root });
  }
}
await import('../packages/server/dist/main.js');
