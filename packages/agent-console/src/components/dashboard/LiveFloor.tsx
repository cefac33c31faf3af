import type { LiveStats } from '@parley/protocol';
import { formatDuration } from '../../format.js';
import { Avatar } from '../Icon.js';
import { Card } from './Card.js';

/** "Right now": the queue, the longest wait, open chats, and each agent's status and load. */
export function LiveFloor({ live, now, meId }: { live: LiveStats | null; now: number; meId: string | undefined }) {
  const longest = live?.oldestQueuedAt ? (now - Date.parse(live.oldestQueuedAt)) / 1000 : 0;
  const online = live?.agents.filter((a) => a.status === 'online').length ?? 0;
  return (
    <>
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
    </>
  );
}
