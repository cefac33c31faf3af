/** The one clock the domain reads (business hours, email timing). Tests and previews start it elsewhere. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that reads `start` now and runs on in real time from there (PARLEY_NOW). */
export function clockFrom(start: number | undefined): Clock {
  if (start === undefined) return systemClock;
  const offset = start - Date.now();
  return { now: () => Date.now() + offset };
}
