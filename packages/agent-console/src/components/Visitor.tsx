import type { Conversation, VerifiedField, VisitorProfile } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { hostOf, parseUserAgent, shortDate, visitorLabel } from '../format.js';
import { openConversation, type State } from '../state/index.js';
import { ConversationFiles } from './ConversationFiles.js';
import { Avatar, Icon, type IconName } from './Icon.js';

function Row({ icon, label, children }: { icon: IconName; label: string; children: ComponentChildren }) {
  return (
    <div class="info-row">
      <dt>
        <Icon name={icon} size={14} />
        <span>{label}</span>
      </dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Exactly the fields the site signed (an older server only tells whether the userId is). */
function verifiedFieldsOf(visitor: VisitorProfile | null): VerifiedField[] {
  if (!visitor) return [];
  return (visitor as Partial<VisitorProfile>).verifiedFields ?? (visitor.verified ? ['userId'] : []);
}

/** A per-field badge whose text says which field is verified ("Email verified"), for eyes and screen readers. */
function Verified({ label }: { label: string }) {
  return (
    <span class="pill pill-verified" title="Signed by the site: the visitor cannot change it">
      <Icon name="shield" size={12} /> {label} verified
    </span>
  );
}

const Unverified = () => <span class="muted small">not verified</span>;

export function VisitorPanel({ s, conversation: c }: { s: State; conversation: Conversation }) {
  const detail = s.details[c.id];
  const visitor = detail?.visitor ?? null;
  const ctx = visitor?.context ?? {};
  const ua = parseUserAgent(ctx.userAgent);
  const name = visitor?.name ?? c.visitorName ?? null;
  const verified = verifiedFieldsOf(visitor);
  return (
    <aside class="visitor" aria-label="Visitor details">
      <div class="visitor-card">
        <Avatar name={name ?? visitorLabel(c)} seed={c.visitorId} size={48} />
        <div>
          <h3>{name ?? visitorLabel(c)}</h3>
          {verified.includes('name') ? (
            <Verified label="Name" />
          ) : (
            <span class="muted small">{name ? 'Name given by the visitor, not verified' : 'Anonymous visitor'}</span>
          )}
        </div>
      </div>
      <dl class="info">
        {visitor?.userId && (
          <Row icon="user" label="User ID">
            <span class="strong">{visitor.userId}</span>{' '}
            {verified.includes('userId') ? <Verified label="User ID" /> : <Unverified />}
          </Row>
        )}
        {visitor?.email && (
          <Row icon="mail" label="Email">
            <a href={`mailto:${visitor.email}`}>{visitor.email}</a>{' '}
            {verified.includes('email') ? <Verified label="Email" /> : <Unverified />}
          </Row>
        )}
        <Row icon="globe" label="Page">
          {ctx.url ? (
            <>
              {ctx.title && <span class="strong">{ctx.title}</span>}
              <a
                href={/^https?:/i.test(ctx.url) ? ctx.url : undefined}
                target="_blank"
                rel="noopener noreferrer"
                class="url"
              >
                {ctx.url}
              </a>
            </>
          ) : (
            <span class="muted">Unknown</span>
          )}
        </Row>
        <Row icon="link" label="Referrer">
          {ctx.referrer ? <span class="url">{hostOf(ctx.referrer)}</span> : <span class="muted">Direct</span>}
        </Row>
        <Row icon="monitor" label="Browser">
          {ua ? (
            <span>
              {ua.browser} · {ua.os}
            </span>
          ) : (
            <span class="muted">Unknown</span>
          )}
        </Row>
        <Row icon="globe" label="Locale">
          {ctx.locale ?? <span class="muted">Unknown</span>}
        </Row>
        {visitor && (
          <Row icon="clock" label="First seen">
            {shortDate(visitor.createdAt)}
          </Row>
        )}
      </dl>
      <ConversationFiles s={s} conversation={c} />
      <h4 class="section-title">
        <Icon name="history" size={14} /> Past conversations
      </h4>
      {detail && detail.pastConversations.length === 0 && (
        <p class="muted small pad">This is their first conversation.</p>
      )}
      <ul class="past">
        {detail?.pastConversations.map((p) => (
          <li key={p.id}>
            <button type="button" class="past-item" onClick={() => openConversation(p.id)}>
              <span>{shortDate(p.createdAt)}</span>
              <span class="muted small">
                {p.status}
                {p.agentName ? ` · ${p.agentName}` : ''}
              </span>
              {p.rating ? (
                <span class="stars" role="img" aria-label={`rated ${p.rating} of 5`}>
                  {'★'.repeat(p.rating)}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
