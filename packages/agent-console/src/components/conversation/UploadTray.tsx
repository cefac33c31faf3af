import { fileSize } from '../../format.js';
import { type ComposerFiles, removeUpload, retryUpload, type Upload } from '../../state/index.js';
import { Icon } from '../Icon.js';

/** What the status line says about the composer's files (read out by screen readers as it changes). */
function statusText({ uploading, failed }: ComposerFiles): string {
  if (failed) return `${failed === 1 ? 'A file' : `${failed} files`} could not be uploaded: retry or remove to send`;
  if (uploading) return `Uploading ${uploading === 1 ? 'a file' : `${uploading} files`}…`;
  return '';
}

function UploadChip({ u }: { u: Upload }) {
  return (
    <li class={`upload upload-${u.status}`} data-upload={u.status}>
      {u.preview ? (
        <img class="upload-preview" src={u.preview} alt="" width={44} height={44} />
      ) : (
        <span class="upload-icon" aria-hidden="true">
          <Icon name="file" size={18} />
        </span>
      )}
      <span class="upload-main">
        <span class="upload-name" title={u.name}>
          {u.name}
        </span>
        <span class="upload-meta">{u.status === 'failed' ? u.error : fileSize(u.size)}</span>
        {u.status === 'uploading' && (
          <progress class="upload-progress" max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
        )}
      </span>
      {u.status === 'failed' && (
        <button
          type="button"
          class="btn btn-ghost btn-sm"
          aria-label={`Retry uploading ${u.name}`}
          onClick={() => retryUpload(u.key)}
        >
          <Icon name="refresh" size={13} /> Retry
        </button>
      )}
      <button
        type="button"
        class="upload-remove"
        aria-label={u.status === 'uploading' ? `Cancel uploading ${u.name}` : `Remove ${u.name}`}
        title={u.status === 'uploading' ? 'Cancel upload' : 'Remove'}
        onClick={() => {
          removeUpload(u.key);
          // The button goes with its file: the keyboard carries on in the message box.
          document.querySelector<HTMLTextAreaElement>('#composer-input')?.focus();
        }}
      >
        <Icon name="close" size={14} />
      </button>
    </li>
  );
}

/** The files attached in the composer, before they are sent: previews, progress, cancel, retry, remove. */
export function UploadTray({ files }: { files: ComposerFiles }) {
  const status = statusText(files);
  return (
    <>
      {files.uploads.length > 0 && (
        <ul class="upload-tray" aria-label="Files to send">
          {files.uploads.map((u) => (
            <UploadChip key={u.key} u={u} />
          ))}
        </ul>
      )}
      <p class={`upload-status${status ? '' : ' sr-only'}${files.failed ? ' failed' : ''}`} role="status">
        {status}
      </p>
    </>
  );
}
