import type { Coordinator } from '../coord/coordinator.js';

/** The tiers an admitted attempt holds a slot in; given back to `release`. */
export type LoginTicket = { readonly keys: readonly string[] };

/**
 * Login throttling that parallel requests cannot slip past, on one process or many sharing Redis.
 *
 * Reserve, then check: every attempt first takes a slot with the coordinator's atomic `increment` (each
 * concurrent attempt gets its own count), and only an attempt whose slot is within the limit is evaluated.
 * A slot is a failure until released: a success and an attempt that never got to check the password
 * (store down) release theirs by bumping a second counter, so a tier's outstanding failures are
 * `attempts - released`. Nobody resets anyone's count: a success releases only its own slot. A refused
 * attempt (429) keeps its slots: the released count is read after the increment, so a release by a
 * refused attempt could let a concurrent one that read it late be evaluated beyond the cap.
 *
 * Three tiers, checked in this order, each a window of `windowMs` from the tier's first attempt:
 * - the (email, address) pair: `maxFailures` — the hard lock, which costs an attacker only their own pair;
 * - the address, across emails: 4 × `maxFailures` — one address spraying many accounts;
 * - the email, across addresses: 20 × `maxFailures` — a distributed guess at one account. Locking an
 *   account out for everyone takes that many failures, from at least 20 addresses.
 * An attempt refused by a tier takes no slot in the later ones, so one address hammering a locked pair
 * does not wear down the account's budget.
 */
export class LoginThrottle {
  constructor(
    private readonly coord: Coordinator,
    private readonly limits: { maxFailures: number; windowMs: number },
  ) {}

  /** Reserves a slot in every tier, or returns null (refused: it keeps the slots it took). */
  async admit(email: string, ip: string): Promise<LoginTicket | null> {
    const { maxFailures } = this.limits;
    const id = email.toLowerCase();
    const tiers: [string, number][] = [
      [`pair:${ip}|${id}`, maxFailures],
      [`ip:${ip}`, maxFailures * 4],
      [`email:${id}`, maxFailures * 20],
    ];
    for (const [key, cap] of tiers) if (!(await this.reserve(key, cap))) return null;
    return { keys: tiers.map(([key]) => key) };
  }

  /** Gives the slots back: the attempt succeeded, or was not a wrong guess. */
  async release(ticket: LoginTicket): Promise<void> {
    await Promise.all(ticket.keys.map((key) => this.coord.increment(released(key), this.limits.windowMs)));
  }

  /** Takes a slot in one tier; true when it is within the cap. */
  private async reserve(key: string, cap: number): Promise<boolean> {
    const n = await this.coord.increment(attempts(key), this.limits.windowMs);
    // The first attempt of a window: releases counted in an earlier window do not carry over.
    if (n === 1) await this.coord.reset(released(key));
    return n - (await this.coord.count(released(key))) <= cap;
  }
}

const attempts = (key: string) => `login:${key}:n`;
const released = (key: string) => `login:${key}:ok`;
