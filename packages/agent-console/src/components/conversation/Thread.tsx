import type { Conversation } from '@parley/protocol';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { dayLabel } from '../../format.js';
import type { ChatMessage } from '../../state/index.js';
import { MessageItem } from './MessageItem.js';
import { seenReply } from './seen.js';

export function Thread({
  messages,
  conversation,
}: {
  messages: ChatMessage[] | undefined;
  conversation: Conversation;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  useEffect(() => {
    stick.current = true;
  }, [conversation.id]);
  if (!messages) return <div class="thread loading" aria-busy="true" />;
  let lastDay = '';
  const seen = seenReply(messages, conversation);
  return (
    <div
      class="thread"
      ref={ref}
      role="log"
      aria-live="polite"
      aria-label="Messages"
      onScroll={(e) => {
        const el = e.currentTarget as HTMLDivElement;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      {messages.map((m, i) => {
        const day = dayLabel(m.createdAt);
        const showDay = day !== lastDay;
        lastDay = day;
        const prev = messages[i - 1];
        const grouped =
          !showDay &&
          prev &&
          prev.author === m.author &&
          prev.authorName === m.authorName &&
          prev.internal === m.internal;
        return (
          <div key={m.id} class="msg-wrap">
            {showDay && (
              <div class="day-sep">
                <span>{day}</span>
              </div>
            )}
            <MessageItem
              m={m}
              grouped={!!grouped}
              conversation={conversation}
              seenAt={seen?.id === m.id ? (seen.at ?? '') : undefined}
            />
          </div>
        );
      })}
    </div>
  );
}
