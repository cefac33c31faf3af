import { useLayoutEffect, useRef } from 'preact/hooks';
import { format } from '../i18n/locales';
import { lazyChunk } from '../shared/lazy-chunk';
import { initial, useWidget } from './context';
import { emailChunk } from './email-chunk';
import { MessageItem } from './MessageItem';
import { buildRows } from './rows';
import { useChunk } from './use-chunk';

/** The rating form is needed only once a conversation has ended: a chunk of its own. */
const ratingChunk = lazyChunk(() => import('./RatingForm'));

export function MessageList() {
  const { host, client, t } = useWidget();
  const { messages, outbox, agentTyping, conversation } = client.state;
  const rows = buildRows(messages, outbox);
  const scroller = useRef<HTMLElement>(null);
  const stick = useRef(true);
  const closed = conversation?.status === 'closed';
  const assigned = conversation?.status === 'assigned';
  const rating = useChunk(ratingChunk, closed);
  // Nobody answers now (outside business hours, or nobody online): the notice is in the email-forms chunk.
  const away = (host.config.open === false || !host.config.agentsOnline) && !assigned && !closed;
  const forms = useChunk(emailChunk, away);
  const typingName = agentTyping !== null ? agentTyping || conversation?.agentName || t.teamName : null;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  return (
    <section
      class="log"
      ref={scroller}
      aria-label={t.conversationLog}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      <div class="msg first greet">
        <div class="author" aria-hidden="true">
          {host.config.name}
        </div>
        <div class="row">
          <span class="mini" aria-hidden="true">
            {initial(host.config.name)}
          </span>
          <div class="bubble" dir="auto">
            {host.config.greeting || t.greeting}
          </div>
        </div>
      </div>
      {away && forms && <forms.OfflineNotice />}
      <div class="list" role="log" aria-live="polite" aria-relevant="additions" aria-label={t.conversationLog}>
        {rows.map((row) => (
          <MessageItem key={row.key} row={row} />
        ))}
      </div>
      {typingName !== null && !closed && (
        <div class="typing" data-parley="typing">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span>{format(t.typing, { name: typingName })}</span>
        </div>
      )}
      {closed && rating && <rating.RatingForm />}
    </section>
  );
}
