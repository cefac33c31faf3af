import type { Conversation } from '@parley/protocol';
import { clockTime, visitorLabel } from '../../format.js';
import type { ChatMessage } from '../../state/index.js';
import { Avatar, Icon } from '../Icon.js';
import { MessageAttachments } from './AttachmentView.js';
import { DeliveryState } from './DeliveryState.js';
import { MessageText } from './MessageText.js';

export function MessageItem({
  m,
  grouped,
  conversation,
  seenAt,
}: {
  m: ChatMessage;
  grouped: boolean;
  conversation: Conversation;
  /** The visitor has seen this reply (the last one): when ('' if unknown). */
  seenAt?: string | undefined;
}) {
  if (m.author === 'system') {
    return (
      <div
        class={`system${m.internal ? ' system-internal' : ''}`}
        data-message
        data-author="system"
        data-internal={m.internal ? 'true' : undefined}
      >
        {m.internal && <Icon name="lock" size={12} />}
        <span>
          <MessageText text={m.text} />
        </span>
        <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
      </div>
    );
  }
  const fromVisitor = m.author === 'visitor';
  const who = fromVisitor ? visitorLabel(conversation) : (m.authorName ?? 'Agent');
  return (
    <div
      class={`msg ${fromVisitor ? 'msg-in' : 'msg-out'}${m.internal ? ' msg-note' : ''}${grouped ? ' grouped' : ''}`}
      data-message
      data-author={m.author}
      data-internal={m.internal ? 'true' : undefined}
    >
      {!grouped && (
        <div class="msg-head">
          {fromVisitor && <Avatar name={who} seed={conversation.visitorId} size={22} />}
          <span class="msg-author">{who}</span>
          {m.internal && (
            <span class="note-tag">
              <Icon name="lock" size={11} /> Internal note
            </span>
          )}
        </div>
      )}
      {m.text && (
        <div class="bubble">
          <MessageText text={m.text} />
        </div>
      )}
      <MessageAttachments attachments={m.attachments} />
      <div class="msg-foot">
        <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
        {m.author === 'agent' && <DeliveryState m={m} seenAt={seenAt} />}
      </div>
    </div>
  );
}
