import { useState } from 'preact/hooks';
import { useWidget } from './context';
import { useEmailStrings } from './EmailField';

/**
 * What asks for or about the visitor's email (pre-chat form, the offline card, ending a chat with a
 * transcript) and the expired-link notice: a chunk fetched on first use, as most visitors see none of it.
 */
export { OfflineNotice } from './OfflineNotice';
export { PreChatForm } from './PreChatForm';

/** "End this conversation?": ends it, and emails the transcript when asked (only offered with an email). */
export function EndConfirm({ onDone }: { onDone: () => void }) {
  const { client, t } = useWidget();
  const s = useEmailStrings();
  const [transcript, setTranscript] = useState(false);
  return (
    <div class="confirm" role="alertdialog" aria-label={t.endConfirm}>
      <span>
        {t.endConfirm}
        {client.state.visitor.email && (
          <label class="check">
            <input type="checkbox" checked={transcript} onChange={(e) => setTranscript(e.currentTarget.checked)} />
            {s.transcript}
          </label>
        )}
      </span>
      <button
        type="button"
        class="danger"
        onClick={async () => {
          await client.closeConversation(transcript);
          onDone();
        }}
      >
        {t.endChat}
      </button>
      <button type="button" class="secondary" onClick={onDone}>
        ✕<span class="sr">{t.minimize}</span>
      </button>
    </div>
  );
}

/** The page's magic link was not honoured: say so, the chat works as usual. */
export function LinkExpired() {
  const s = useEmailStrings();
  return (
    <p class="card notice" role="status" data-parley="link-expired">
      {s.linkExpired}
    </p>
  );
}
