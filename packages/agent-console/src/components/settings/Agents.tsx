import type { Role } from '@parley/protocol';
import { LIMITS } from '@parley/protocol/entities';
import type { AgentWithPresence, RestBody } from '@parley/protocol/rest';
import { useEffect, useState } from 'preact/hooks';
import { errorText, refreshAgents, toast, useAppState } from '../../state/index.js';
import { api } from '../../transport/api.js';
import { Avatar } from '../Icon.js';
import { FormFooter } from './FormFooter.js';

export function Agents() {
  const s = useAppState();
  const [form, setForm] = useState({ name: '', email: '', password: '', role: 'agent' as Role, maxChats: 5 });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refreshAgents();
  }, []);
  const patch = async (agent: AgentWithPresence, body: RestBody<'PATCH /api/agents/:id'>, done: string) => {
    try {
      await api('PATCH /api/agents/:id', { params: { id: agent.id }, body });
      toast(done);
      await refreshAgents();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST /api/agents', {
        body: { ...form, name: form.name.trim(), email: form.email.trim(), maxChats: Number(form.maxChats) },
      });
      toast(`${form.name} can now log in`);
      setForm({ name: '', email: '', password: '', role: 'agent', maxChats: 5 });
      await refreshAgents();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="stack">
      <div class="panel">
        <h2>Team</h2>
        <table class="table" aria-label="Agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Role</th>
              <th scope="col">Max chats</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {s.agents.map((a) => (
              <tr key={a.id} class={a.active ? '' : 'inactive'} data-agent={a.email}>
                <td>
                  <span class="agent-cell">
                    <Avatar name={a.name} seed={a.id} size={28} />
                    <span>
                      <strong>{a.name}</strong>
                      <span class="muted small block">{a.email}</span>
                    </span>
                  </span>
                </td>
                <td>
                  <select
                    aria-label={`Role of ${a.name}`}
                    value={a.role}
                    disabled={a.id === s.me?.id}
                    onChange={(e) =>
                      void patch(a, { role: (e.currentTarget as HTMLSelectElement).value as Role }, 'Role updated')
                    }
                  >
                    <option value="agent">Agent</option>
                    <option value="supervisor">Supervisor</option>
                    <option value="admin">Admin</option>
                  </select>
                </td>
                <td>
                  <input
                    type="number"
                    class="narrow"
                    min={1}
                    max={LIMITS.maxChatsMax}
                    aria-label={`Max chats of ${a.name}`}
                    value={a.maxChats}
                    onChange={(e) => {
                      const n = Number((e.currentTarget as HTMLInputElement).value);
                      if (n >= 1 && n <= LIMITS.maxChatsMax) void patch(a, { maxChats: n }, 'Capacity updated');
                    }}
                  />
                </td>
                <td>
                  {a.active ? (
                    <span class={`status-pill status-${a.status}`}>
                      <span class={`dot dot-${a.status}`} aria-hidden="true" /> {a.status} · {a.load}
                    </span>
                  ) : (
                    <span class="pill pill-closed">Deactivated</span>
                  )}
                </td>
                <td class="actions">
                  {a.id !== s.me?.id &&
                    (a.active ? (
                      <button
                        type="button"
                        class="btn btn-sm btn-danger-ghost"
                        onClick={() => void patch(a, { active: false }, `${a.name} deactivated`)}
                      >
                        Deactivate
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="btn btn-sm"
                        onClick={() => void patch(a, { active: true }, `${a.name} reactivated`)}
                      >
                        Reactivate
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="panel form-grid" onSubmit={create} aria-labelledby="new-agent-title">
        <h2 id="new-agent-title" class="span-2">
          Add an agent
        </h2>
        <label class="field">
          <span>Name</span>
          <input
            name="agent-name"
            required
            maxLength={LIMITS.nameMax}
            value={form.name}
            onInput={(e) => setForm({ ...form, name: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Email</span>
          <input
            name="agent-email"
            type="email"
            required
            value={form.email}
            onInput={(e) => setForm({ ...form, email: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Initial password</span>
          <input
            name="agent-password"
            type="password"
            required
            minLength={8}
            autocomplete="new-password"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <div class="form-grid inner">
          <label class="field">
            <span>Role</span>
            <select
              name="agent-role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: (e.currentTarget as HTMLSelectElement).value as Role })}
            >
              <option value="agent">Agent</option>
              <option value="supervisor">Supervisor</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <label class="field">
            <span>Max chats</span>
            <input
              name="agent-max"
              type="number"
              min={1}
              max={LIMITS.maxChatsMax}
              value={form.maxChats}
              onInput={(e) => setForm({ ...form, maxChats: Number((e.currentTarget as HTMLInputElement).value) })}
            />
          </label>
        </div>
        <FormFooter error={error} label="Add agent" wide />
      </form>
    </div>
  );
}
