import type { Strings } from '../i18n/locales';

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_CLOSE = 'M7.4 8.8l1.4-1.4L12 10.6l3.2-3.2 1.4 1.4-3.2 3.2 3.2 3.2-1.4 1.4-3.2-3.2-3.2 3.2-1.4-1.4 3.2-3.2z';

export type LauncherControl = { setOpen(open: boolean): void; setUnread(count: number): void };

/** Takes over the loader's launcher: adds the close icon and the unread badge, keeps its label in sync. */
export function controlLauncher(button: HTMLButtonElement, t: Strings): LauncherControl {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'i-close');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICON_CLOSE);
  svg.append(path);
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.dataset.parley = 'unread';
  badge.setAttribute('aria-hidden', 'true');
  badge.hidden = true;
  button.append(svg, badge);

  let open = button.getAttribute('aria-expanded') === 'true';
  let unread = 0;
  const sync = () => {
    const base = open ? t.closeChat : t.openChat;
    button.setAttribute('aria-label', unread ? `${base} (${t.unread.replace('{n}', String(unread))})` : base);
    button.setAttribute('aria-expanded', String(open));
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? '9+' : String(unread);
  };
  sync();
  return {
    setOpen(value) {
      open = value;
      sync();
    },
    setUnread(count) {
      unread = count;
      sync();
    },
  };
}

/** The uninstall counterpart, for shutdown. */
export function releaseLauncher(button: HTMLButtonElement): void {
  for (const el of button.querySelectorAll('.i-close,.badge')) el.remove();
}
