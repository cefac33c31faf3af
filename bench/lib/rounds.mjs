// Several rounds of one conversation scenario, baseline and Parley alternating (B P, then P B, …), so that
// a slow stretch of a shared machine falls on both sides rather than on one. The figures reported are
// pooled: latency percentiles over every sample of every round (a p99 of 5 × 2 000 samples rather than
// of 2 000), CPU and throughput as the median of the rounds. Each round's own p99 and ratio stay in the
// JSON (`rounds`), so the spread is visible next to the pooled figure.
import { summarize } from './stats.mjs';

const LATENCIES = ['ack', 'visitorToAgent', 'agentToVisitor'];
/** The machine around a round (scenarios.mjs machineMeter): kept per round, median when pooled. */
const MACHINE = ['waitMsPerSecond', 'slicesPerSecond', 'machineBusyPercent', 'stealPercent'];

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};

/** Order of the targets in round r: alternating, so neither side always runs first. */
export const targetsOfRound = (r) => (r % 2 === 0 ? ['baseline', 'parley'] : ['parley', 'baseline']);

/** One target's results over its rounds → one result of the same shape, samples pooled. */
export function pool(results) {
  if (results.length === 1) return strip(results[0]);
  const first = results[0];
  const pooled = { ...strip(first), rounds: results.length };
  for (const key of LATENCIES)
    if (first.samples?.[key]) pooled[key] = summarize(results.flatMap((r) => r.samples[key]));
  for (const key of ['cpuPercent', 'messagesPerSecond', 'acked', ...MACHINE])
    if (typeof first[key] === 'number') pooled[key] = median(results.map((r) => r[key]));
  return pooled;
}

/** Per round: each side's p99s and the ratio, for the JSON. */
export function roundSummaries(baseline, parley) {
  return baseline.map((b, i) => {
    const p = parley[i];
    const row = { round: i + 1 };
    for (const key of LATENCIES)
      if (b[key]?.p99 != null && p[key]?.p99 != null)
        row[key] = { parley: p[key].p99, baseline: b[key].p99, ratio: +(p[key].p99 / b[key].p99).toFixed(2) };
    for (const key of MACHINE) if (typeof b[key] === 'number') row[key] = { parley: p[key], baseline: b[key] };
    if (b.messagesPerSecond)
      row.messagesPerSecond = {
        parley: p.messagesPerSecond,
        baseline: b.messagesPerSecond,
        ratio: +(p.messagesPerSecond / b.messagesPerSecond).toFixed(2),
      };
    return row;
  });
}

/** The raw samples are for pooling only: they do not go into the results file. */
function strip(result) {
  const { samples: _samples, ...rest } = result;
  return rest;
}
