import type { LiveStats, PeriodStats } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, type State } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { type Period, range } from './period.js';

/**
 * The dashboard's numbers: the period's stats (every 30 s) and the live floor (every 5 s, with the clock the
 * waits are measured against). Conversation changes (new, closed, rated) refresh both, debounced.
 */
export function useDashboardStats(period: Period, items: State['items']) {
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
  const stamp = useRef('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fingerprint = Object.values(items)
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

  const reload = () => {
    void loadStats();
    void loadLive();
  };
  return { stats, live, error, now, reload };
}
