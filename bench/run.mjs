// `pnpm bench`: Parley next to a bare Socket.IO relay, same load, same machine, same run.
// Options: --quick (small, for a smoke run), --full (5k idle visitors, longer), --only=idle,active,burst,upload,
// --store=postgres (DATABASE_URL/REDIS_URL from the environment), --write-docs (docs/performance-latest.md),
// --profile (Parley runs with --cpu-prof; .cpuprofile files land in bench/results/profiles),
// --server=path/to/main.js (another build of Parley, for before/after runs of one change),
// --rounds=N (active and burst N times, baseline and Parley alternating; latency percentiles pooled over
// every round's samples, CPU and throughput the median; each round's ratios in the JSON; default 3, 1 with --quick),
// --node-args="--flag …" (node flags for Parley's processes, e.g. --trace-gc; --profile adds its own),
// --processes=2 (active and burst on two processes joined through Redis: visitors on one, agents on the
// other; Parley on PostgreSQL + Redis, the relay with the same Redis Streams adapter; needs DATABASE_URL,
// whose database — named parley_bench… — is dropped and recreated for each Parley start, and REDIS_URL).
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchDatabaseName } from './lib/processes.mjs';
import { machine, printTable, ratioChart, rowsFrom, writeResults } from './lib/report.mjs';
import { pool, roundSummaries, targetsOfRound } from './lib/rounds.mjs';
import { active, burst, idle } from './lib/scenarios.mjs';
import { upload } from './lib/upload-scenario.mjs';
import { widgetOnHostPage } from './lib/widget-scenario.mjs';

const args = new Set(process.argv.slice(2));
const opt = (name) => [...args].find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.has('--quick');
const full = args.has('--full');
const processes = Number(opt('processes') ?? 1);
// One round's p99 rests on few deliveries and moves widely between rounds on a shared machine: by default
// the conversation scenarios run 3 alternating rounds (1 with --quick).
const rounds = Number(opt('rounds') ?? (quick ? 1 : 3));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds=${opt('rounds')}: a whole number ≥ 1`);
if (processes !== 1 && processes !== 2) throw new Error(`--processes=${opt('processes')}: only 1 or 2`);
// Two processes only apply to the conversation scenarios: they are the default then, others are refused.
const only =
  opt('only')?.split(',') ?? (processes === 2 ? ['active', 'burst'] : ['idle', 'active', 'burst', 'upload', 'widget']);
if (processes === 2 && only.some((name) => name !== 'active' && name !== 'burst'))
  throw new Error('--processes=2 applies to --only=active,burst (idle and widget are single-process scenarios)');
const env = {};
if (processes === 2) {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('--processes=2 needs DATABASE_URL and REDIS_URL (PostgreSQL + Redis, shared by both processes)');
  benchDatabaseName(process.env.DATABASE_URL); // fails now rather than after the baseline ran
  env.DATABASE_URL = process.env.DATABASE_URL;
  env.REDIS_URL = process.env.REDIS_URL;
} else if (opt('store') === 'postgres') {
  if (!process.env.DATABASE_URL) throw new Error('--store=postgres needs DATABASE_URL (and optionally REDIS_URL)');
  env.DATABASE_URL = process.env.DATABASE_URL;
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
}
const root = fileURLToPath(new URL('..', import.meta.url));
if (opt('server')) env.BENCH_SERVER = opt('server');
const nodeArgs = [
  args.has('--profile') ? `--cpu-prof --cpu-prof-dir=${root}/bench/results/profiles` : '',
  opt('node-args') ?? '',
].filter(Boolean);
if (nodeArgs.length) env.BENCH_NODE_ARGS = nodeArgs.join(' ');
if (!existsSync(`${root}/packages/server/dist/main.js`)) throw new Error('build first: pnpm build');

const plans = {
  idle: { visitors: quick ? 200 : full ? 5000 : 1000, env },
  active: {
    visitors: quick ? 100 : 500,
    // An agent takes at most 50 chats (the schema's limit): 12 agents cover 500 conversations.
    agents: quick ? 4 : 12,
    intervalMs: 5000,
    durationMs: quick ? 8000 : full ? 40_000 : 20_000,
    env,
    processes,
  },
  burst: { visitors: quick ? 20 : 100, agents: 4, durationMs: quick ? 4000 : 10_000, env, processes },
  upload: { bytes: 5_000_000, uploads: quick ? 3 : 10, env },
};
const scenarios = { idle, active, burst, upload };
const results = {};
for (const name of only) {
  if (name === 'widget') {
    process.stderr.write('… widget on a host page (Chromium, 4× CPU throttling)\n');
    results.widget = await widgetOnHostPage({ runs: quick ? 3 : 21 });
    continue;
  }
  // Each run on a fresh process. Conversation scenarios may run several rounds, the order alternating.
  const runs = { baseline: [], parley: [] };
  const count = name === 'idle' || name === 'upload' ? 1 : rounds;
  for (let r = 0; r < count; r++)
    for (const target of targetsOfRound(r)) {
      process.stderr.write(`… ${name} on ${target}${count > 1 ? ` (round ${r + 1} of ${count})` : ''}\n`);
      runs[target].push(await scenarios[name](target, plans[name]));
    }
  results[name] = { baseline: pool(runs.baseline), parley: pool(runs.parley) };
  if (count > 1) {
    results[name].rounds = roundSummaries(runs.baseline, runs.parley);
    for (const round of results[name].rounds)
      process.stderr.write(`  round ${round.round}: ${JSON.stringify(round)}\n`);
  }
}
const rows = rowsFrom(results);
printTable(rows);
const stamp = writeResults({ processes, plans, ...results }, rows, `${root}/bench/results`);
writeFileSync(`${root}/bench/results/latest-ratios.svg`, ratioChart(rows));
if (args.has('--write-docs')) {
  const m = machine();
  const table = rows
    .map(
      ([label, p, b, unit]) =>
        `| ${label} | ${p ?? '–'}${unit} | ${b ?? '–'}${unit} | ${typeof p === 'number' && typeof b === 'number' && b ? (p / b).toFixed(2) : '–'}× |`,
    )
    .join('\n');
  writeFileSync(
    `${root}/docs/performance-latest.md`,
    `Measured ${new Date().toISOString()} on ${m.cpus}× ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node} (results: bench/results/${stamp}.json)\n\n| metric | parley | bare relay | ratio |\n| --- | --- | --- | --- |\n${table}\n`,
  );
}
