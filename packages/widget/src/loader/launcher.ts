const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_CHAT = 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z';

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
