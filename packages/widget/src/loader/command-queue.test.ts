import { describe, expect, it, vi } from 'vitest';
import { type Commands, installGlobal, runCommand } from './command-queue';

function fakeCommands(): Commands & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    open: () => calls.push(['open']),
    close: () => calls.push(['close']),
    identify: (d) => calls.push(['identify', d]),
    on: (e, fn) => calls.push(['on', e, typeof fn]),
    shutdown: () => calls.push(['shutdown']),
  };
}

describe('Parley command queue', () => {
  it('runs commands queued by the snippet before the script loaded, in order', () => {
    const target: { Parley?: ((...a: unknown[]) => void) & { q?: unknown[][] } } = {};
    // the documented snippet
    target.Parley = (...args: unknown[]) => {
      target.Parley!.q = target.Parley!.q || [];
      target.Parley!.q.push(args);
    };
    target.Parley('on', 'open', () => {});
    target.Parley('identify', { userId: 'u1', userHash: 'h' });
    target.Parley('open');
    const commands = fakeCommands();
    expect(installGlobal(target, commands)).toBe(true);
    expect(commands.calls).toEqual([
      ['on', 'open', 'function'],
      ['identify', { userId: 'u1', userHash: 'h' }],
      ['open'],
    ]);
    target.Parley('close');
    expect(commands.calls.at(-1)).toEqual(['close']);
  });

  it('does not install twice', () => {
    const target = {};
    expect(installGlobal(target, fakeCommands())).toBe(true);
    expect(installGlobal(target, fakeCommands())).toBe(false);
  });

  it('ignores malformed and unknown commands without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const commands = fakeCommands();
    runCommand(commands, ['on', 'nope', () => {}]);
    runCommand(commands, ['on', 'message', 'not a function']);
    runCommand(commands, ['identify', 'not an object']);
    runCommand(commands, ['explode']);
    runCommand(commands, []);
    expect(commands.calls).toEqual([]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
