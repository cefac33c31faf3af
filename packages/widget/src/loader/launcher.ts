const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_CHAT =
  'M12 3C6.9 3 3 6.6 3 11c0 2.3 1.1 4.4 2.9 5.9-.2 1.4-.8 2.7-1.8 3.8 2 0 3.8-.7 5.2-1.8.9.2 1.8.3 2.7.3 5.1 0 9-3.6 9-8s-3.9-8.2-9-8.2z';

/**
 * The round launcher button, in plain DOM: it renders before (and without) the app chunk.
 * Once loaded, the app decorates it (close icon, unread badge, labels).
 */
export function createLauncher(label: string, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.dataset.parley = 'launcher';
  button.setAttribute('aria-label', label);
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-haspopup', 'dialog');
  // createElementNS rather than innerHTML: works on pages that enforce Trusted Types
  const svg = document.createElementNS(SVG_NS, 'svg');
  const path = document.createElementNS(SVG_NS, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'i-chat');
  path.setAttribute('d', ICON_CHAT);
  svg.append(path);
  button.append(svg);
  button.addEventListener('click', onClick);
  return button;
}
