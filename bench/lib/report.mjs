import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const fmt = (v, unit) =>
  v === null || v === undefined
    ? '–'
    : `${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}${unit}`;
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : null);

/** Rows of [label, parley, baseline, unit, better: 'lower'|'higher', target ratio or null]. */
export function rowsFrom(results) {
  const rows = [];
  const { idle, active, burst } = results;
  if (idle)
    rows.push([
      `memory per idle visitor (${idle.parley.visitors} connected)`,
      idle.parley.bytesPerConnection,
      idle.baseline.bytesPerConnection,
      ' B',
      'lower',
      1.5,
    ]);
  if (active) {
    const p = active.parley;
    const b = active.baseline;
    // Two-process runs (--processes=2) say so in every label; single-process labels stay as they were.
    const n = p.processes ?? 1;
    const within = n > 1 ? `, ${n} processes` : '';
    const alone = n > 1 ? ` (${n} processes)` : '';
    rows.push([
      `visitor→agent p50 (${p.visitors} active${within})`,
      p.visitorToAgent.p50,
      b.visitorToAgent.p50,
      ' ms',
      'lower',
      null,
    ]);
    rows.push([
      `visitor→agent p99 (${p.visitors} active${within})`,
      p.visitorToAgent.p99,
      b.visitorToAgent.p99,
      ' ms',
      'lower',
      2,
    ]);
    rows.push([`agent→visitor p50${alone}`, p.agentToVisitor.p50, b.agentToVisitor.p50, ' ms', 'lower', null]);
    rows.push([`agent→visitor p99${alone}`, p.agentToVisitor.p99, b.agentToVisitor.p99, ' ms', 'lower', null]);
    rows.push([`ack p50${alone}`, p.ack.p50, b.ack.p50, ' ms', 'lower', null]);
    rows.push([`ack p99${alone}`, p.ack.p99, b.ack.p99, ' ms', 'lower', null]);
    rows.push([
      `server CPU at ${p.visitors} active${n > 1 ? ` (sum of ${n} processes)` : ''}`,
      p.cpuPercent,
      b.cpuPercent,
      ' %',
      'lower',
      null,
    ]);
    if (typeof p.waitMsPerSecond === 'number')
      rows.push([
        `server main thread waiting for a core${n > 1 ? ` (sum of ${n})` : ''}`,
        p.waitMsPerSecond,
        b.waitMsPerSecond,
        ' ms/s',
        'lower',
        null,
      ]);
  }
  if (burst) {
    const n = burst.parley.processes ?? 1;
    rows.push([
      `burst throughput (${burst.parley.visitors} visitors, closed loop${n > 1 ? `, ${n} processes` : ''})`,
      burst.parley.messagesPerSecond,
      burst.baseline.messagesPerSecond,
      ' msg/s',
      'higher',
      0.5,
    ]);
    rows.push([
      `burst ack p99${n > 1 ? ` (${n} processes)` : ''}`,
      burst.parley.ack.p99,
      burst.baseline.ack.p99,
      ' ms',
      'lower',
      null,
    ]);
    if (n > 1)
      rows.push([
        `burst visitor→agent p99 (${n} processes)`,
        burst.parley.visitorToAgent.p99,
        burst.baseline.visitorToAgent.p99,
        ' ms',
        'lower',
        null,
      ]);
  }
  if (results.upload) {
    const { parley: p, baseline: b } = results.upload;
    const size = `${(p.bytes / 1e6).toFixed(0)} MB`;
    rows.push([`upload of a ${size} file, median of ${p.uploads}`, p.medianMs, b.medianMs, ' ms', 'lower', null]);
    rows.push([
      `upload throughput (${size} file)`,
      p.megabytesPerSecond,
      b.megabytesPerSecond,
      ' MB/s',
      'higher',
      null,
    ]);
  }
  if (results.widget) {
    const w = results.widget;
    rows.push([
      'widget main-thread blocking (TBT from Long Tasks, 4× throttled)',
      w.withWidget.blockingMs,
      w.withoutWidget.blockingMs,
      ' ms',
      'lower',
      null,
    ]);
    if (typeof w.addedBlockingMs === 'number') {
      const spread = w.addedBlockingQuartilesMs ? `, middle half ${w.addedBlockingQuartilesMs.join('…')} ms` : '';
      rows.push([
        `widget: blocking it adds (Long Tasks, median of ${w.runs} paired loads${spread})`,
        w.addedBlockingMs,
        null,
        ' ms',
        'lower',
        null,
      ]);
    }
    if (typeof w.addedTraceBlockingMs === 'number') {
      rows.push([
        'widget main-thread blocking, every task of the page (trace)',
        w.withWidget.traceBlockingMs,
        w.withoutWidget.traceBlockingMs,
        ' ms',
        'lower',
        null,
      ]);
      rows.push([
        `widget: blocking it adds (trace, paired; middle half ${w.addedTraceBlockingQuartilesMs.map(Math.round).join('…')} ms)`,
        w.addedTraceBlockingMs,
        null,
        ' ms',
        'lower',
        null,
      ]);
    }
    if (w.own) {
      rows.push([
        `widget: blocking of its own tasks (trace; none in ${w.own.loadsWithoutBlocking} of ${w.runs} loads)`,
        w.own.blockingMs,
        null,
        ' ms',
        'lower',
        null,
      ]);
      rows.push(['widget: its longest task (trace)', w.own.longestTaskMs, null, ' ms', 'lower', null]);
      rows.push(['widget: all its tasks together (trace)', w.own.totalMs, null, ' ms', 'lower', null]);
    }
    rows.push([
      'host page load event',
      Math.round(w.withWidget.loadMs),
      Math.round(w.withoutWidget.loadMs),
      ' ms',
      'lower',
      null,
    ]);
    rows.push(['widget: time to launcher', Math.round(w.withWidget.launcherMs), null, ' ms', 'lower', null]);
    for (const [encoding, b] of Object.entries(w.bytes)) {
      rows.push([`widget loader as served, ${encoding} (budget 3072)`, b.loader, null, ' B', 'lower', null]);
      rows.push([`widget loader + app + locale, ${encoding} (budget 30720)`, b.afterOpen, null, ' B', 'lower', null]);
    }
  }
  return rows;
}

export function printTable(rows) {
  const lines = [['metric', 'parley', 'baseline', 'ratio', 'target']];
  for (const [label, p, b, unit, better, target] of rows) {
    const r = ratio(p, b);
    const targetText =
      target === null
        ? ''
        : `${better === 'lower' ? '≤' : '≥'} ${target}× ${r === null ? '' : (better === 'lower' ? r <= target : r >= target) ? '✓' : '✗'}`;
    lines.push([label, fmt(p, unit), fmt(b, unit), r === null ? '–' : `${r.toFixed(2)}×`, targetText]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** A horizontal bar chart of Parley/baseline ratios (1.0 = as good as the bare relay). */
export function ratioChart(rows) {
  const data = rows.map(([label, p, b]) => [label, ratio(p, b)]).filter(([, r]) => r !== null);
  const width = 720;
  const barH = 22;
  const left = 330;
  const max = Math.max(2, ...data.map(([, r]) => r));
  const scale = (width - left - 60) / max;
  const h = data.length * (barH + 8) + 40;
  const bars = data
    .map(([label, r], i) => {
      const y = 20 + i * (barH + 8);
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="12">${label.replace(/[<&]/g, '')}</text><rect x="${left}" y="${y}" width="${(r * scale).toFixed(1)}" height="${barH}" fill="#4f46e5" rx="3"/><text x="${left + r * scale + 6}" y="${y + 15}" font-size="12">${r.toFixed(2)}×</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" font-family="system-ui, sans-serif" role="img"><title>Parley divided by the bare Socket.IO relay, per metric</title><rect width="100%" height="100%" fill="#fff"/>${bars}<line x1="${left + scale}" x2="${left + scale}" y1="10" y2="${h - 10}" stroke="#999" stroke-dasharray="4"/><text x="${left + scale + 4}" y="${h - 4}" font-size="11" fill="#666">1× = bare Socket.IO relay</text></svg>`;
}

export function writeResults(results, rows, outDir) {
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ date: new Date().toISOString(), machine: machine(), results, rows }, null, 2);
  writeFileSync(`${outDir}/${stamp}.json`, json);
  writeFileSync(`${outDir}/latest.json`, json);
  return stamp;
}
