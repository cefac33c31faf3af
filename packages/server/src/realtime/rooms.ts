/** Socket.IO room names. Agent namespace: per agent, per conversation, everyone, supervisors. */
export const rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
  allAgents: 'agents',
  supervisors: 'supervisors',
  /** Agent sockets opened with one login token (sha256 of it), so a logout can disconnect them. */
  agentToken: (tokenHash: string) => `token:${tokenHash}`,
  /** Visitor namespace: every socket (tab) of one visitor. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
};
