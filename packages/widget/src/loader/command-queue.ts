import type { IdentifyData, WidgetEvent } from '../shared/bridge';

/** `window.Parley(...)` command handling, including commands queued before widget.js loaded. */

export type Commands = {
  open(): void;
  close(): void;
  identify(data: IdentifyData): void;
  on(event: WidgetEvent, fn: (payload?: unknown) => void): void;
  shutdown(): void;
};

type ParleyFn = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; loaded?: boolean };

const EVENTS: readonly string[] = ['message', 'open', 'close'];

export function runCommand(commands: Commands, args: ArrayLike<unknown>): void {
  const [name, arg, fn] = Array.from(args);
  switch (name) {
    case 'open':
    case 'close':
    case 'shutdown':
      commands[name]();
      return;
    case 'identify':
      if (arg && typeof arg === 'object') commands.identify(arg as IdentifyData);
      return;
    case 'on':
      if (typeof arg === 'string' && EVENTS.includes(arg) && typeof fn === 'function') {
        commands.on(arg as WidgetEvent, fn as (payload?: unknown) => void);
      }
      return;
    default:
      console.warn('[parley] unknown command', name);
  }
}

/** Replaces the stub queue with the real function and runs what was queued. Returns false if already installed. */
export function installGlobal(target: { Parley?: ParleyFn }, commands: Commands): boolean {
  const existing = target.Parley;
  if (existing?.loaded) return false;
  const queued = existing?.q ? Array.from(existing.q) : [];
  const parley: ParleyFn = (...args: unknown[]) => runCommand(commands, args);
  parley.loaded = true;
  target.Parley = parley;
  for (const args of queued) runCommand(commands, args);
  return true;
}
