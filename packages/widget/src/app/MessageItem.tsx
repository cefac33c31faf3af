import { attachChunk } from '../attach/load';
import { initial, useWidget } from './context';
import { formatTime } from './format-time';
import { MessageText } from './MessageText';
import type { Row } from './rows';
import { useChunk } from './use-chunk';

export function MessageItem({ row }: { row: Row }) {
  const { t, locale, client } = useWidget();
  // files are drawn by the attachments chunk, fetched when the first message with files shows up
  const attach = useChunk(attachChunk, row.files.length > 0);
  const who = row.author === 'visitor' ? t.you : (row.authorName ?? (row.author === 'agent' ? t.teamName : ''));
  const time = formatTime(row.createdAt, locale);
  const cls = `msg${row.first ? ' first' : ''}`;
  return (
    <div class={cls} data-parley="message" data-author={row.author} data-state={row.state}>
      {row.author === 'agent' && row.first && (
        <div class="author" aria-hidden="true">
          {who}
        </div>
      )}
      <div class="row">
        {row.author === 'agent' && (
          <span class={row.last ? 'mini' : 'mini ghost'} aria-hidden="true">
            {initial(row.authorName ?? t.teamName)}
          </span>
        )}
        <div class="bubble" dir="auto">
          {row.author !== 'system' && <span class="sr">{who}: </span>}
          <MessageText text={row.text} />
          {attach && <attach.Files row={row} />}
        </div>
      </div>
      <div class={(row.last && row.author !== 'system') || row.state !== 'sent' ? 'meta' : 'meta sr'}>
        <time dateTime={row.createdAt}>{time}</time>
        {row.author === 'visitor' && row.state === 'sending' && <span>· {t.sending}</span>}
        {row.author === 'visitor' && row.state === 'sent' && row.last && <span>· {t.sent}</span>}
        {row.state === 'failed' && row.clientId && (
          <button type="button" class="retry" onClick={() => client.retry(row.clientId!)}>
            {t.failed}
          </button>
        )}
      </div>
    </div>
  );
}
