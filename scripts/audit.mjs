import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `node scripts/audit.mjs`: fails (exit 1) when a dependency has a known vulnerability of high or
 * critical severity. When the registry's audit endpoint cannot be reached (offline, proxied registry,
 * a mirror without the audit API) it says so clearly and exits 0: a network problem is not a finding.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const execPath = process.env.npm_execpath;
const [cmd, baseArgs] =
  execPath && /pnpm/.test(execPath) ? [process.execPath, [execPath]] : ['npx', ['--yes', 'pnpm@10.34.8']];
// PARLEY_AUDIT_REPORT=<file>: judge a saved `pnpm audit --json` report instead (tests of this script).
const saved = process.env.PARLEY_AUDIT_REPORT;
const res = saved
  ? { stdout: readFileSync(saved, 'utf8'), stderr: '' }
  : spawnSync(cmd, [...baseArgs, 'audit', '--audit-level', 'high', '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });

let report;
try {
  report = JSON.parse(res.stdout);
} catch {
  report = null;
}

if (!report || report.error) {
  const why = report?.error?.message ?? (res.error?.message || res.stderr || 'no answer').trim().slice(0, 500);
  process.stdout.write(`⚠ dependency audit skipped: the audit endpoint could not be used (${why})\n`);
  process.exit(0);
}

const counts = report.metadata?.vulnerabilities ?? {};
const serious = Object.values(report.advisories ?? {}).filter(
  (a) => a.severity === 'high' || a.severity === 'critical',
);
if (serious.length > 0 || (counts.high ?? 0) + (counts.critical ?? 0) > 0) {
  process.stdout.write(`✗ dependency audit: ${counts.high ?? 0} high, ${counts.critical ?? 0} critical\n`);
  for (const a of serious)
    process.stdout.write(`  - ${a.severity}: ${a.module_name} ${a.vulnerable_versions} — ${a.title} (${a.url})\n`);
  process.exit(1);
}
process.stdout.write(
  `✓ dependency audit: no high or critical vulnerabilities (${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low)\n`,
);
