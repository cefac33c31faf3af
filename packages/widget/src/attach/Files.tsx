import type { Attachment } from '@parley/protocol';
import { useWidget } from '../app/context';
import type { Row } from '../app/rows';
import { type AttachStrings, attachStrings } from '../i18n/attach-strings';
import { format } from '../i18n/locales';
import type { OutboxAttachment } from '../transport/outbox';
import { FileIcon } from './FileIcon';
import { formatPercent, formatSize } from './format-size';
import { heldFile } from './held-files';
import { overallProgress } from './outbox-files';
import { progressOf, useProgress } from './progress';
import { adoptStyles } from './styles';
import { cancel } from './upload';

/** Why a message with files failed, when the visitor can do something about it. */
const ERRORS: Record<string, keyof AttachStrings> = { payload_too_large: 'tooLarge', unsupported_type: 'unsupported' };

/**
 * The files of one message: stored images as thumbnails that open full size, other stored files as download
 * links with name and size; files still on their way with their upload progress, announced, and a cancel.
 */
export function Files({ row }: { row: Row }) {
  const { host, client, locale } = useWidget();
  const failure = client.state.outbox.find((i) => i.clientId === row.clientId)?.error;
  const outgoing = row.state !== 'sent' ? (row.files as readonly OutboxAttachment[]) : [];
  const waiting = outgoing.filter((f) => !f.id);
  const uploading = row.state === 'sending' && waiting.length > 0;
  useProgress(uploading);
  if (!row.files.length) return null;
  adoptStyles(host.shadow);
  const s = attachStrings[locale] ?? attachStrings.en!;
  const size = (bytes: number) => formatSize(bytes, locale);
  if (!outgoing.length) {
    return (
      <div class="files">
        {(row.files as readonly Attachment[]).map((file) => (
          <StoredFile key={file.id} file={file} origin={host.serverOrigin} s={s} size={size(file.size)} />
        ))}
      </div>
    );
  }
  const error = failure && ERRORS[failure];
  const progress = overallProgress(outgoing, progressOf);
  return (
    <div class="files" data-parley="outgoing-files">
      {outgoing.map((file) => (
        <div class="file" key={file.key}>
          <FileIcon />
          <span class="fname">{file.name}</span>
          <span class="fsize">{size(file.size)}</span>
        </div>
      ))}
      {uploading && (
        <progress
          max={1}
          value={progress}
          aria-label={format(s.uploading, { name: outgoing.map((f) => f.name).join(', ') })}
          data-parley="upload-progress"
        />
      )}
      {/* announced in quarters: every progress event would flood a screen reader */}
      <span class="sr" aria-live="polite">
        {uploading ? format(s.progress, { percent: formatPercent(Math.floor(progress * 4) / 4, locale) }) : ''}
      </span>
      {failure === 'file_lost' &&
        waiting
          .filter((f) => !heldFile(f.key))
          .map((f) => (
            <p class="fnote" key={f.key}>
              {f.name}: {s.lost}
            </p>
          ))}
      {error && <p class="fnote">{s[error]}</p>}
      {row.clientId && waiting.length > 0 && (
        <button type="button" class="fcancel" data-parley="cancel-upload" onClick={() => cancel(client, row.clientId!)}>
          {s.cancel}
        </button>
      )}
    </div>
  );
}

function StoredFile({ file, origin, s, size }: { file: Attachment; origin: string; s: AttachStrings; size: string }) {
  const href = resolve(file.url, origin);
  if (!href) return null;
  const thumb = file.thumbnailUrl && resolve(file.thumbnailUrl, origin);
  if (thumb)
    return (
      <a
        class="fthumb"
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        data-parley="attachment"
        aria-label={format(s.openImage, { name: file.name })}
      >
        <img src={thumb} alt={file.name} width={file.width} height={file.height} />
      </a>
    );
  return (
    <a
      class="file"
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      download={file.name}
      data-parley="attachment"
      aria-label={format(s.download, { name: file.name, size })}
    >
      <FileIcon />
      <span class="fname">{file.name}</span>
      <span class="fsize">{size}</span>
    </a>
  );
}

/** The server's path as an absolute http(s) URL on the server's origin; anything else is not linked. */
function resolve(path: string, origin: string): string | undefined {
  try {
    const url = new URL(path, origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
