/** One number on the dashboard, with its label and an optional line below. */
export function Card({
  label,
  value,
  sub,
  testid,
  tone,
}: {
  label: string;
  value: string;
  sub?: string | undefined;
  testid: string;
  tone?: 'warn' | 'danger' | undefined;
}) {
  return (
    <div class={`card${tone ? ` card-${tone}` : ''}`} data-testid={testid}>
      <span class="card-label">{label}</span>
      <strong class="card-value">{value}</strong>
      {sub && <span class="card-sub muted small">{sub}</span>}
    </div>
  );
}
