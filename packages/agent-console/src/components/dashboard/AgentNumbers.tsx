import type { PeriodStats } from '@parley/protocol';
import { formatDuration } from '../../format.js';
import { Avatar } from '../Icon.js';

/** The period's numbers per agent. */
export function AgentNumbers({ stats }: { stats: PeriodStats | null }) {
  return (
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
  );
}
