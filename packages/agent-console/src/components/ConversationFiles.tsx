import type { Conversation } from '@parley/protocol';
import { clockTime, visitorLabel } from '../format.js';
import { conversationFiles, type State } from '../state/index.js';
import { FileLink } from './conversation/AttachmentView.js';
import { Icon } from './Icon.js';

/** The visitor panel's "Files in this conversation": every file of its messages, who sent it and when. */
export function ConversationFiles({ s, conversation: c }: { s: State; conversation: Conversation }) {
  const files = conversationFiles(c.id, s);
  return (
    <section class="conv-files" aria-labelledby="conv-files-title">
      <h4 class="section-title" id="conv-files-title">
        <Icon name="paperclip" size={14} /> Files in this conversation
      </h4>
      {s.messages[c.id] && files.length === 0 && <p class="muted small pad">No files yet.</p>}
      {files.length > 0 && (
        <ul class="shared-files" data-testid="conversation-files">
          {files.map((f) => (
            <li key={f.attachment.id} class="shared-file">
              <FileLink a={f.attachment} thumb />
              <span class="muted small">
                {f.author === 'visitor' ? visitorLabel(c) : (f.authorName ?? 'Agent')} ·{' '}
                <time dateTime={f.createdAt}>{clockTime(f.createdAt)}</time>
                {f.internal && (
                  <span class="note-tag">
                    <Icon name="lock" size={11} /> Internal note
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
