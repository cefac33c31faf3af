import { spawnSync } from 'node:child_process';

/** Runs pnpm the way this script was started (pnpm, or `npx pnpm@10`), so no global pnpm is needed. */
export function pnpm(args, opts = {}) {
  const execPath = process.env.npm_execpath;
  const [cmd, cmdArgs] =
    execPath && /pnpm/.test(execPath)
      ? [process.execPath, [execPath, ...args]]
      : ['npx', ['--yes', 'pnpm@10.34.8', ...args]];
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...opts });
  if (res.status !== 0) {
    process.stderr.write(`\n✗ pnpm ${args.join(' ')} failed (exit ${res.status})\n`);
    process.exit(res.status ?? 1);
  }
}
