import type { Message } from '@parley/protocol';
import { render } from 'preact';
import type { Strings } from '../i18n/locales';
import type { Host, WidgetApp } from '../shared/bridge';
import { ChatClient } from '../transport/chat-client';
import { panelCss } from '../ui/styles';
import { WidgetContext } from './context';
import { controlLauncher, releaseLauncher } from './launcher-control';
import { beep, clearTitleNotice, showTitleNotice } from './notify';
import { Panel } from './Panel';

/** Entry of the lazily loaded app chunk: the loader calls mount() once. */
export function mount(host: Host, t: Strings): WidgetApp {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(panelCss);
  host.shadow.adoptedStyleSheets = [...host.shadow.adoptedStyleSheets, sheet];
  const container = document.createElement('div');
  host.frame.append(container);

  let open = host.isOpen();
  const launcher = controlLauncher(host.launcher, t);
  let unread = 0;
  let unseen = 0;
  const client = new ChatClient({
    serverOrigin: host.serverOrigin,
    siteKey: host.siteKey,
    resume: host.resume,
    onNewMessage(message: Message) {
      host.emit('message', message);
      if (message.author === 'visitor') return;
      if (!open) launcher.setUnread(++unread);
      if (!open || document.hidden) {
        beep();
        showTitleNotice(++unseen, t.newMessage);
      }
    },
  });
  const onVisibility = () => {
    if (!document.hidden && open) {
      unseen = 0;
      clearTitleNotice();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);

  const draw = () =>
    render(
      <WidgetContext.Provider value={{ host, client, t, locale: host.locale }}>
        {open && <Panel />}
      </WidgetContext.Provider>,
      container,
    );
  // the panel re-renders from the client's state; when closed nothing is rendered but the client keeps listening
  client.subscribe(() => open && draw());
  client.start();
  client.setVisible(open);
  draw();

  return {
    setOpen(value) {
      open = value;
      launcher.setOpen(value);
      client.setVisible(value);
      if (value) {
        unread = 0;
        unseen = 0;
        launcher.setUnread(0);
        clearTitleNotice();
      }
      draw();
    },
    identify: (data) => client.identify(data),
    shutdown() {
      client.stop(true);
      render(null, container);
      container.remove();
      releaseLauncher(host.launcher);
      clearTitleNotice();
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
