/** The periods the dashboard reports on, and their time range in the agent's own days. */

export type Period = 'today' | '7d' | '30d';
export const PERIODS: { id: Period; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
];

/** From the start of the first day (local time) until a minute from now. */
export function range(period: Period): { from: string; to: string } {
  const to = new Date(Date.now() + 60_000);
  const from = new Date();
  if (period === 'today') from.setHours(0, 0, 0, 0);
  else {
    from.setHours(0, 0, 0, 0);
    from.setDate(from.getDate() - (period === '7d' ? 6 : 29));
  }
  return { from: from.toISOString(), to: to.toISOString() };
}
