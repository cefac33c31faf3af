import { COMMENT_MAX } from '@parley/protocol/limits';
import { useState } from 'preact/hooks';
import { format } from '../i18n/locales';
import { useWidget } from './context';
import { Icon } from './icons';

/** Shown once a conversation is closed: 1–5 stars and an optional comment. */
export function RatingForm() {
  const { client, t } = useWidget();
  const conversation = client.state.conversation;
  const [score, setScore] = useState(0);
  const [hover, setHover] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  if (!conversation) return null;
  const rated =
    client.state.ratedConversationIds.includes(conversation.id) ||
    (conversation.rating !== undefined && conversation.rating !== null);
  return (
    <div class="card" data-parley="rating">
      <p>
        <strong>{t.ended}</strong>
      </p>
      {rated ? (
        <p class="done">
          {t.thanks} {t.newConversation}
        </p>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!score) return;
            setBusy(true);
            await client.rate(score, comment);
            setBusy(false);
          }}
        >
          <fieldset class="stars" onMouseLeave={() => setHover(0)}>
            <legend>{t.rateTitle}</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                class={n <= (hover || score) ? 'star lit' : 'star'}
                aria-pressed={n === score}
                aria-label={format(t.rateScore, { n })}
                onClick={() => setScore(n)}
                onMouseEnter={() => setHover(n)}
              >
                <Icon name="star" />
              </button>
            ))}
          </fieldset>
          <textarea
            class="comment"
            aria-label={t.commentLabel}
            placeholder={t.commentLabel}
            maxLength={COMMENT_MAX}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={!score || busy}>
            {t.submitRating}
          </button>
        </form>
      )}
    </div>
  );
}
