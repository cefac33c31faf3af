import type { PeriodStats } from '@parley/protocol';
import { formatDuration } from '../../format.js';
import { Card } from './Card.js';
import { BarChart, RatingBars } from './Charts.js';
import { PERIODS, type Period } from './period.js';

/** The period's numbers: conversations, response and handle times, waits, satisfaction, per day. */
export function PeriodReport({ period, stats }: { period: Period; stats: PeriodStats | null }) {
  return (
    <>
      <h2 class="section-label">{PERIODS.find((p) => p.id === period)?.label}</h2>
      <div class="cards">
        <Card
          label="Conversations"
          value={stats ? String(stats.conversations) : '…'}
          testid="stat-conversations"
          sub={stats ? `${stats.closed} closed` : undefined}
        />
        <Card
          label="First response"
          value={stats ? formatDuration(stats.firstResponse.median) : '…'}
          sub={stats ? `median · p90 ${formatDuration(stats.firstResponse.p90)}` : undefined}
          testid="stat-frt"
        />
        <Card
          label="Handle time"
          value={stats ? formatDuration(stats.handleTime.median) : '…'}
          sub="median"
          testid="stat-handle"
        />
        <Card
          label="Wait"
          value={stats ? formatDuration(stats.wait.median) : '…'}
          sub="median in queue"
          testid="stat-wait"
        />
        <Card
          label="CSAT"
          value={stats ? (stats.csat.mean === null ? '—' : stats.csat.mean.toFixed(1)) : '…'}
          sub={stats ? `${stats.csat.count} rating${stats.csat.count === 1 ? '' : 's'}` : undefined}
          testid="stat-csat"
        />
      </div>
      <div class="grid-2">
        <div class="panel">
          <h3>Conversations per day</h3>
          <p class="legend muted small">
            <span class="swatch swatch-light" aria-hidden="true" /> started{' '}
            <span class="swatch swatch-dark" aria-hidden="true" /> closed
          </p>
          {stats && (
            <BarChart
              label="Conversations per day"
              data={stats.daily.map((d) => ({
                label: new Date(`${d.day}T00:00:00Z`).toLocaleDateString(undefined, {
                  month: 'short',
                  day: 'numeric',
                  timeZone: 'UTC',
                }),
                value: d.conversations,
                secondary: d.closed,
              }))}
            />
          )}
        </div>
        <div class="panel">
          <h3>Satisfaction</h3>
          <p class="muted small">How visitors rated closed conversations</p>
          {stats && <RatingBars distribution={stats.csat.distribution} />}
        </div>
      </div>
    </>
  );
}
