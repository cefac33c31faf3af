import { format } from '../i18n/locales';
import { initial, useWidget } from './context';
import { Icon } from './icons';

type Props = { titleId: string; canEnd: boolean; onEnd: () => void };

export function Header({ titleId, canEnd, onEnd }: Props) {
  const { host, client, t } = useWidget();
  const { conversation, status, agentTyping } = client.state;
  const agent = conversation?.status === 'assigned' ? conversation.agentName : null;
  const online = host.config.agentsOnline || !!agent;
  let sub = online ? t.online : t.offlineShort;
  if (status === 'offline') sub = t.reconnecting;
  else if (agentTyping !== null && agent) sub = format(t.typing, { name: agentTyping || agent });
  return (
    <div class="head">
      <div class="avatar" aria-hidden="true">
        {agent ? initial(agent) : <Icon name="team" class="flip" />}
      </div>
      <div class="who">
        <div class="name" id={titleId}>
          {agent ?? host.config.name}
        </div>
        <div class="sub">
          <span class={online && status !== 'offline' ? 'dot' : 'dot off'} aria-hidden="true" />
          <span>{sub}</span>
        </div>
      </div>
      {canEnd && (
        <button type="button" class="hbtn" aria-label={t.endChat} title={t.endChat} onClick={onEnd}>
          <Icon name="end" class="flip" />
        </button>
      )}
      <button type="button" class="hbtn" aria-label={t.minimize} title={t.minimize} onClick={() => host.close()}>
        <Icon name="down" />
      </button>
    </div>
  );
}
