import type { Attachment } from '@parley/protocol';
import { fileHref, isImage, thumbSize } from '../../attachments.js';
import { fileSize } from '../../format.js';
import { Icon } from '../Icon.js';

/**
 * How an attachment is shown: an image as a thumbnail opening the full picture, any other file as a named,
 * sized download link. Links go only to the server's own origin (attachments.ts fileHref).
 */

const here = () => location.origin;

/** An image's thumbnail, drawn at most `max` pixels wide or high, linking to the full-size picture. */
export function ImageThumb({ a, max }: { a: Attachment; max: number }) {
  const full = fileHref(a.url, here());
  const thumb = fileHref(a.thumbnailUrl ?? a.url, here());
  if (!full || !thumb) return <FileLink a={a} />;
  const size = thumbSize(a, max);
  return (
    <a class="attachment-image" href={full} target="_blank" rel="noopener noreferrer" data-attachment={a.id}>
      <img
        src={thumb}
        alt={`${a.name} (open full size)`}
        width={size?.width}
        height={size?.height}
        loading="lazy"
        decoding="async"
      />
    </a>
  );
}

/** A download link showing the file's name and size; with `thumb`, an image's small picture in front. */
export function FileLink({ a, thumb = false }: { a: Attachment; thumb?: boolean }) {
  const href = fileHref(a.url, here());
  const picture = thumb && isImage(a) ? fileHref(a.thumbnailUrl ?? a.url, here()) : null;
  const body = (
    <>
      {picture ? (
        <img class="file-thumb" src={picture} alt="" width={36} height={36} loading="lazy" />
      ) : (
        <span class="file-icon" aria-hidden="true">
          <Icon name="file" size={16} />
        </span>
      )}
      <span class="file-name">{a.name}</span>
      <span class="sr-only">, </span>
      <span class="file-size">{fileSize(a.size)}</span>
    </>
  );
  if (!href) return <span class="attachment-file">{body}</span>;
  // Named by its own text ("Download invoice.pdf, 14 KB"): what is read out starts with what is seen.
  return (
    <a class="attachment-file" href={href} download={a.name} data-attachment={a.id}>
      <span class="sr-only">Download </span>
      {body}
    </a>
  );
}

/** A message's files, below its text. */
export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] | undefined }) {
  if (!attachments?.length) return null;
  return (
    <ul class="attachments" aria-label="Attached files">
      {attachments.map((a) => (
        <li key={a.id}>{isImage(a) ? <ImageThumb a={a} max={240} /> : <FileLink a={a} />}</li>
      ))}
    </ul>
  );
}
