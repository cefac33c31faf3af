import { useEffect, useRef, useState } from 'preact/hooks';
import { isRtl } from '../i18n/locales';
import { readItem, storageKeys, writeItem } from '../shared/storage';
import { Composer } from './Composer';
import { useWidget } from './context';
import { emailChunk } from './email-chunk';
import { Header } from './Header';
import { MessageList } from './MessageList';
import { useChunk } from './use-chunk';

export function Panel() {
  const { host, client, t, locale } = useWidget();
  const { conversation, visitor, messages } = client.state;
  const panel = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const [confirming, setConfirming] = useState(false);
  // files picked, pasted or dropped for the next message
  const [files, setFiles] = useState<File[]>([]);
  const preChatKey = storageKeys(host.siteKey).preChat;
  const [preChatDone, setPreChatDone] = useState(() => !!readItem('local', preChatKey));
  const needsPreChat =
    host.config.preChat && !preChatDone && !conversation && !messages.length && !visitor.email && !visitor.verified;
  const canEnd = !!conversation && conversation.status !== 'closed';
  const forms = useChunk(emailChunk, needsPreChat || confirming || !!client.state.linkExpired);

  useEffect(() => {
    // focus moves into the panel when it opens
    const target = input.current ?? panel.current?.querySelector<HTMLElement>('input,button');
    target?.focus();
  }, []);

  return (
    <div
      class="panel"
      ref={panel}
      data-parley="panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="parley-title"
      dir={isRtl(locale) ? 'rtl' : 'ltr'}
      lang={locale}
      // the whole panel takes dropped files (and the browser does not open a file dropped next to the box)
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        const dropped = e.dataTransfer?.files;
        if (!dropped?.length) return;
        e.preventDefault();
        setFiles((f) => [...f, ...dropped]);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          host.close();
        }
      }}
    >
      <Header titleId="parley-title" canEnd={canEnd} onEnd={() => setConfirming(true)} />
      {confirming && canEnd && forms && <forms.EndConfirm onDone={() => setConfirming(false)} />}
      {client.state.linkExpired && forms && <forms.LinkExpired />}
      <MessageList />
      {needsPreChat ? (
        <div class="composer">
          {forms && (
            <forms.PreChatForm
              onDone={() => {
                writeItem('local', preChatKey, '1');
                setPreChatDone(true);
                setTimeout(() => input.current?.focus());
              }}
            />
          )}
        </div>
      ) : (
        <Composer inputRef={input} files={files} setFiles={setFiles} />
      )}
      <div class="brand">{t.poweredBy}</div>
    </div>
  );
}
