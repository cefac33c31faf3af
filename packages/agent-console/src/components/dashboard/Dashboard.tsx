import { useState } from 'preact/hooks';
import { useAppState } from '../../state/index.js';
import { Icon } from '../Icon.js';
import { AgentNumbers } from './AgentNumbers.js';
import { LiveFloor } from './LiveFloor.js';
import { PeriodReport } from './PeriodReport.js';
import { PERIODS, type Period } from './period.js';
import { useDashboardStats } from './use-dashboard-stats.js';

/** The supervisor's dashboard: the floor right now, and a period's numbers. */
export function Dashboard() {
  const s = useAppState();
  const [period, setPeriod] = useState<Period>('7d');
  const { stats, live, error, now, reload } = useDashboardStats(period, s.items);
  return (
    <div class="page dashboard">
      <div class="page-head">
        <div>
          <h1>Dashboard</h1>
          <p class="muted">How the team is doing, live and over time.</p>
        </div>
        <div class="page-actions">
          <fieldset class="segmented">
            <legend class="sr-only">Period</legend>
            {PERIODS.map((p) => (
              <button
                key={p.id}
                type="button"
                aria-pressed={period === p.id}
                class={period === p.id ? 'active' : ''}
                onClick={() => setPeriod(p.id)}
              >
                {p.label}
              </button>
            ))}
          </fieldset>
          <button type="button" class="btn btn-ghost" aria-label="Refresh" onClick={reload}>
            <Icon name="refresh" size={16} />
          </button>
        </div>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <LiveFloor live={live} now={now} meId={s.me?.id} />
      <PeriodReport period={period} stats={stats} />
      <AgentNumbers stats={stats} />
    </div>
  );
}
