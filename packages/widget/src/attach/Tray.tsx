import { useEffect, useMemo } from 'preact/hooks';
import { useWidget } from '../app/context';
import { attachStrings } from '../i18n/attach-strings';
import { format } from '../i18n/locales';
import { FileIcon } from './FileIcon';
import { formatSize } from './format-size';
import { MAX_FILES } from './held-files';
import { adoptStyles } from './styles';

type Props = { files: File[]; setFiles: (files: File[]) => void };

/** The files chosen for the next message, before it is sent: a preview of each with a button to remove it. */
export function Tray({ files, setFiles }: Props) {
  const { host, locale } = useWidget();
  if (!files.length) return null;
  adoptStyles(host.shadow);
  const s = attachStrings[locale] ?? attachStrings.en!;
  const remove = (index: number) => {
    setFiles(files.filter((_, i) => i !== index));
    // the button goes away with its file: keep the keyboard in the composer
    host.shadow.getElementById('parley-input')?.focus();
  };
  return (
    <ul class="tray" aria-label={s.toSend} data-parley="tray">
      {files.slice(0, MAX_FILES).map((file, i) => (
        <li class="chip" key={`${i}:${file.name}:${file.size}`} data-parley="draft-file">
          {file.type.startsWith('image/') ? <Thumbnail file={file} /> : <FileIcon />}
          <span class="fname">{file.name}</span>
          <span class="fsize">{formatSize(file.size, locale)}</span>
          <button
            type="button"
            class="fremove"
            aria-label={format(s.remove, { name: file.name })}
            data-parley="remove-file"
            onClick={() => remove(i)}
          >
            ×
          </button>
        </li>
      ))}
      {files.length > MAX_FILES && <li class="tnote">{format(s.tooMany, { n: MAX_FILES })}</li>}
    </ul>
  );
}

/** A local preview of an image not sent yet (a blob: URL, released with the preview). */
function Thumbnail({ file }: { file: File }) {
  const url = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img class="fprev" src={url} alt="" />;
}
