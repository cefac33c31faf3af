/**
 * Attention: desktop notifications (permission asked on a user gesture), a short WebAudio chime, and a
 * tab-title count. Nothing here runs until the agent has interacted with the page once.
 */

let audio: AudioContext | null = null;
const BASE_TITLE = 'Parley console';

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Call from a click/keydown handler: unlocks audio, and asks for notification permission when asked to. */
export async function unlockAlerts(askPermission: boolean): Promise<NotificationPermission | 'unsupported'> {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') await audio.resume();
  } catch {
    audio = null;
  }
  if (askPermission && typeof Notification !== 'undefined' && Notification.permission === 'default') {
    return Notification.requestPermission();
  }
  return notificationPermission();
}

export function hasAudio(): boolean {
  return audio !== null;
}

/** Two soft sine notes; quieter for messages than for new conversations. */
export function chime(kind: 'assigned' | 'message') {
  const ctx = audio;
  if (ctx?.state !== 'running') return;
  const now = ctx.currentTime;
  const notes = kind === 'assigned' ? [660, 880] : [740];
  notes.forEach((freq, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = now + i * 0.14;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(kind === 'assigned' ? 0.12 : 0.07, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.4);
  });
}

export function desktopNotify(title: string, body: string, tag: string, onClick: () => void) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body: body.slice(0, 140), tag, icon: '/console/favicon.svg' });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // some platforms only allow notifications from a service worker
  }
}

export function setTitleCount(count: number) {
  const title = count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
  if (document.title !== title) document.title = title;
}
