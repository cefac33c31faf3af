/** Attention for messages that arrive while the panel is closed or the tab is hidden. */

let audio: AudioContext | null = null;

/** A short two-tone chime synthesized with WebAudio: no asset to load. Silent before any user gesture. */
export function beep(): void {
  try {
    const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation;
    if (activation && !activation.hasBeenActive) return;
    audio ??= new AudioContext();
    const t = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(880, t);
    osc.frequency.setValueAtTime(1320, t + 0.09);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.12, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.32);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.34);
  } catch {
    // audio is a nicety
  }
}

let savedTitle: string | null = null;

export function showTitleNotice(count: number, label: string): void {
  if (savedTitle === null) savedTitle = document.title;
  document.title = `(${count}) ${label} · ${savedTitle}`;
}

export function clearTitleNotice(): void {
  if (savedTitle === null) return;
  document.title = savedTitle;
  savedTitle = null;
}
