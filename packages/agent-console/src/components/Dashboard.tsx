import type { LiveStats, PeriodStats } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, getState, useAppState } from '../state/index.js';
import { api } from '../transport/api.js';
import { formatDuration } from '../util.js';
import { BarChart, RatingBars } from './Charts.js';
import { Avatar, Icon } from './Icon.js';

type Period = 'today' | '7d' | '30d';
const PERIODS: { id: Period; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
];

function range(period: Period): { from: string; to: string } {
  const to = new Date(Date.now() + 60_000);
  const from = new Date();
  if (period === 'today') from.setHours(0, 0, 0, 0);
  else {
    from.setHours(0, 0, 0, 0);
    from.setDate(from.getDate() - (period === '7d' ? 6 : 29));
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

export function Dashboard() {
  const s = useAppState();
  const [period, setPeriod] = useState<Period>('7d');
  const [stats, setStats] = useState<PeriodStats | null>(null);
  const [live, setLive] = useState<LiveStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  const loadStats = async () => {
    try {
      const { from, to } = range(period);
      setStats(await api('GET /api/stats', { query: { from, to } }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const loadLive = async () => {
    try {
      setLive(await api('GET /api/stats/live'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void loadStats();
  }, [period]);
  useEffect(() => {
    void loadLive();
    const t = setInterval(() => {
      void loadLive();
      setNow(Date.now());
    }, 5000);
    const slow = setInterval(() => void loadStats(), 30_000);
    return () => {
      clearInterval(t);
      clearInterval(slow);
    };
  }, [period]);
  // Conversation changes (new, closed, rated) refresh both views, debounced.
  const stamp = useRef('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fingerprint = Object.values(s.items)
    .map((c) => `${c.id}:${c.status}:${c.rating ?? ''}:${c.agentId ?? ''}`)
    .join('|');
  useEffect(() => {
    if (stamp.current && stamp.current !== fingerprint) {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        void loadStats();
        void loadLive();
      }, 600);
    }
    stamp.current = fingerprint;
  }, [fingerprint]);

  const longest = live?.oldestQueuedAt ? (now - Date.parse(live.oldestQueuedAt)) / 1000 : 0;
  const online = live?.agents.filter((a) => a.status === 'online').length ?? 0;
  const meId = getState().me?.id;
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
          <button
            type="button"
            class="btn btn-ghost"
            aria-label="Refresh"
            onClick={() => {
              void loadStats();
              void loadLive();
            }}
          >
            <Icon name="refresh" size={16} />
          </button>
        </div>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <h2 class="section-label">Right now</h2>
      <div class="cards cards-live">
        <Card
          label="In queue"
          value={live ? String(live.queueLength) : '…'}
          testid="live-queue"
          tone={live?.queueLength ? 'warn' : undefined}
        />
        <Card
          label="Longest wait"
          value={live ? (live.queueLength ? formatDuration(longest) : '—') : '…'}
          testid="live-longest"
          tone={longest > 120 ? 'danger' : undefined}
        />
        <Card label="Open chats" value={live ? String(live.assigned) : '…'} testid="live-assigned" />
        <Card label="Agents online" value={live ? `${online} / ${live.agents.length}` : '…'} testid="live-online" />
      </div>
      <div class="panel">
        <h3>Agents</h3>
        <table class="table" aria-label="Agents and their load">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Load</th>
            </tr>
          </thead>
          <tbody>
            {live?.agents.map((a) => (
              <tr key={a.id}>
                <td>
                  <span class="agent-cell">
                    <Avatar name={a.name} seed={a.id} size={26} />
                    {a.name}
                    {a.id === meId && <span class="muted small">(you)</span>}
                    <span class="muted small">{a.role}</span>
                  </span>
                </td>
                <td>
                  <span class={`status-pill status-${a.status}`}>
                    <span class={`dot dot-${a.status}`} aria-hidden="true" /> {a.status}
                  </span>
                </td>
                <td>
                  <span class="load-cell">
                    <meter
                      min={0}
                      max={a.maxChats}
                      value={a.load}
                      high={a.maxChats - 0.5}
                      aria-label={`${a.name} load`}
                    />
                    {a.load} / {a.maxChats}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

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
      <div class="panel">
        <h3>By agent</h3>
        <table class="table" aria-label="Per-agent numbers">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col" class="num">
                Conversations
              </th>
              <th scope="col" class="num">
                Closed
              </th>
              <th scope="col" class="num">
                First response (median)
              </th>
              <th scope="col" class="num">
                Handle time (median)
              </th>
              <th scope="col" class="num">
                CSAT
              </th>
            </tr>
          </thead>
          <tbody>
            {stats?.agents.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No conversations in this period.
                </td>
              </tr>
            )}
            {stats?.agents.map((a) => (
              <tr key={a.agentId}>
                <td>
                  <span class="agent-cell">
                    <Avatar name={a.name} seed={a.agentId} size={26} />
                    {a.name}
                  </span>
                </td>
                <td class="num">{a.conversations}</td>
                <td class="num">{a.closed}</td>
                <td class="num">{formatDuration(a.firstResponseMedian)}</td>
                <td class="num">{formatDuration(a.handleTimeMedian)}</td>
                <td class="num">{a.csatMean === null ? '—' : `${a.csatMean.toFixed(1)} (${a.rated})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Card({
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
