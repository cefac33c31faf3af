/** Socket.IO room names. Agent namespace: per agent, per conversation, everyone, supervisors. */
export const rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
  allAgents: 'agents',
  supervisors: 'supervisors',
  /** Visitor namespace: every socket (tab) of one visitor. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
};
