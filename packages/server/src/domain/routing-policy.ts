import type { ChooseAgent } from '../store/conversations-repo.js';

/**
 * Someone other than the agent who last had the conversation (it was requeued away from them), then the
 * most free capacity, then assigned least recently, then idle longest; the agent id breaks exact ties so
 * every process decides alike.
 */
export const chooseAgent: ChooseAgent = (conversation, agents) => {
  const ranked = [...agents].sort(
    (a, b) =>
      Number(a.agentId === conversation.previousAgentId) - Number(b.agentId === conversation.previousAgentId) ||
      b.free - a.free ||
      a.lastAssignedAt - b.lastAssignedAt ||
      a.idleSince - b.idleSince ||
      a.agentId.localeCompare(b.agentId),
  );
  return ranked[0]?.agentId ?? null;
};
