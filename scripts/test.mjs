import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pnpm } from './pnpm.mjs';

/**
 * `pnpm test`: the whole suite, in order — build, typecheck, lint, unit + integration tests of every
 * package, then the browser tests. Needs Redis and PostgreSQL on localhost (see README); with CI=true a
 * missing service or browser fails the run instead of skipping.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => pnpm(args, { cwd: root });

run(['run', 'build']);
run(['run', 'typecheck']);
run(['run', 'lint']);
// High or critical advisories fail the run (an unreachable audit endpoint is reported, not fatal).
const audit = spawnSync(process.execPath, [fileURLToPath(new URL('./audit.mjs', import.meta.url))], {
  stdio: 'inherit',
  cwd: root,
});
if (audit.status !== 0) process.exit(audit.status ?? 1);
run(['--filter', '@parley/protocol', '--if-present', 'run', 'test']);
run(['--filter', '@parley/server', 'run', 'test']);
run(['--filter', '@parley/widget', '--if-present', 'run', 'test']);
run(['--filter', '@parley/agent-console', '--if-present', 'run', 'test']);
run(['--filter', '@parley/e2e', '--if-present', 'run', 'test']);
process.stdout.write('\n✓ all test suites passed\n');
