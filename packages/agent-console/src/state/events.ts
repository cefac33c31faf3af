import type { AgentServerEvents } from '@parley/protocol';
import { chime, desktopNotify } from '../alerts.js';
import { visitorLabel } from '../format.js';
import { openConversation } from './actions.js';
import { getState, setState, toast } from './app.js';
import { applyConversation, loadConversation, loadSummary, refreshInbox } from './loaders.js';
import { messageReceived, presenceChanged, summaryPatched, typingChanged } from './reducers.js';
import { previewOf } from './summaries.js';

/** What the console does with each server event: a reducer, and the alerts an agent should not miss. */
export const serverEvents = {
  'conversation:updated': (conversation) => applyConversation(conversation),
  'conversation:assigned': (conversation) => {
    applyConversation(conversation);
    const s = getState();
    if (conversation.agentId !== s.me?.id) return;
    if (s.activeId !== conversation.id) setState((st) => summaryPatched(st, conversation.id, { fresh: true }));
    chime('assigned');
    desktopNotify('New conversation', `${visitorLabel(conversation)} is waiting for you`, conversation.id, () =>
      openConversation(conversation.id),
    );
    // Fill in the preview for a conversation we did not know.
    if (!s.messages[conversation.id]) void loadSummary(conversation.id);
  },
  'message:new': (message) => {
    setState((s) => messageReceived(s, message, document.visibilityState === 'visible'));
    const s = getState();
    const conversation = s.items[message.conversationId];
    if (message.author !== 'visitor' || !conversation || !s.me) return;
    const mine = conversation.agentId === s.me.id;
    const viewing = s.activeId === message.conversationId && document.visibilityState === 'visible';
    if (mine && !viewing) {
      chime('message');
      desktopNotify(visitorLabel(conversation), previewOf(message), message.conversationId, () =>
        openConversation(message.conversationId),
      );
    }
  },
  typing: (event) => setState((s) => typingChanged(s, event, Date.now())),
  presence: ({ agentId, status }) => setState((s) => presenceChanged(s, agentId, status)),
  'server:shutdown': () => toast('The server is restarting — reconnecting…'),
  'server:resync': () => {
    void refreshInbox();
    const active = getState().activeId;
    if (active) void loadConversation(active);
  },
} satisfies AgentServerEvents;
