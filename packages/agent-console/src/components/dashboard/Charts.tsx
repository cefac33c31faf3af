/** Plain SVG charts: no library, no inline styles (geometry and colors are SVG attributes). */

export function BarChart({
  data,
  height = 180,
  label,
}: {
  data: { label: string; value: number; secondary?: number }[];
  height?: number;
  label: string;
}) {
  const width = 640;
  const pad = { top: 12, right: 8, bottom: 26, left: 34 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const niceMax = max <= 5 ? max : Math.ceil(max / 5) * 5;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const slot = innerW / Math.max(1, data.length);
  const barW = Math.max(4, Math.min(36, slot * 0.62));
  const ticks = [0, niceMax / 2, niceMax].map((t) => Math.round(t));
  const every = Math.ceil(data.length / 10);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
      <title>{label}</title>
      {ticks.map((t) => {
        const y = pad.top + innerH - (t / niceMax) * innerH;
        return (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} stroke="#eceef3" />
            <text x={pad.left - 6} y={y} dy="0.32em" text-anchor="end" class="chart-axis">
              {t}
            </text>
          </g>
        );
      })}
      {data.map((d, i) => {
        const h = (d.value / niceMax) * innerH;
        const x = pad.left + i * slot + (slot - barW) / 2;
        const h2 = d.secondary !== undefined ? (d.secondary / niceMax) * innerH : 0;
        return (
          <g key={d.label}>
            <rect x={x} y={pad.top + innerH - h} width={barW} height={Math.max(0, h)} rx={3} fill="#c7cbfb">
              <title>{`${d.label}: ${d.value} conversations${d.secondary !== undefined ? `, ${d.secondary} closed` : ''}`}</title>
            </rect>
            {h2 > 0 && <rect x={x} y={pad.top + innerH - h2} width={barW} height={h2} rx={3} fill="#4f46e5" />}
            {i % every === 0 && (
              <text x={x + barW / 2} y={height - 8} text-anchor="middle" class="chart-axis">
                {d.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** Horizontal bars for the 1–5 CSAT distribution. */
export function RatingBars({ distribution }: { distribution: number[] }) {
  const total = distribution.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...distribution);
  const colors = ['#ef4444', '#f97316', '#eab308', '#84cc16', '#22c55e'];
  const rowH = 26;
  const width = 360;
  return (
    <svg
      class="chart rating-chart"
      viewBox={`0 0 ${width} ${rowH * 5}`}
      role="img"
      aria-label={`Ratings: ${distribution.map((n, i) => `${i + 1} star ${n}`).join(', ')}`}
    >
      {[5, 4, 3, 2, 1].map((score, row) => {
        const n = distribution[score - 1] ?? 0;
        const w = (n / max) * (width - 120);
        return (
          <g key={score} transform={`translate(0 ${row * rowH})`}>
            <text x={0} y={rowH / 2} dy="0.32em" class="chart-axis">
              {`${score} ★`}
            </text>
            <rect x={34} y={6} width={width - 120} height={rowH - 12} rx={4} fill="#f1f2f6" />
            <rect x={34} y={6} width={Math.max(n ? 4 : 0, w)} height={rowH - 12} rx={4} fill={colors[score - 1]} />
            <text x={width - 4} y={rowH / 2} dy="0.32em" text-anchor="end" class="chart-value">
              {total ? `${n} · ${Math.round((n / total) * 100)}%` : '0'}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
