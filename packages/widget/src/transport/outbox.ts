import { newClientId } from '@parley/protocol/client-id';

/**
 * Unacknowledged outgoing messages. Kept in memory and mirrored to sessionStorage so a reload
 * or a crash does not lose what the visitor typed. Every item keeps its clientId for its whole life:
 * the server stores a clientId once, so resending is always safe.
 */

export type OutboxState = 'sending' | 'failed';

/**
 * A file of an outgoing message. `id` is the server's attachment id once uploaded: from then on a retry sends
 * the id and never uploads the file again. Before that only memory holds the bytes (found by `key`): a file
 * not uploaded when the page reloads is lost.
 */
export type OutboxAttachment = { key: string; name: string; type: string; size: number; id?: string };

export type OutboxItem = {
  clientId: string;
  text: string;
  createdAt: string;
  state: OutboxState;
  /** false when the server rejected the message for good (e.g. invalid payload): no automatic retry. */
  retryable: boolean;
  /** The error code of the last failure, if any. */
  error?: string;
  attachments?: OutboxAttachment[];
};

export type OutboxPersistence = {
  load(): string | null;
  save(value: string | null): void;
};

/** Error codes after which sending the same message again could succeed. */
const TRANSIENT = new Set(['timeout', 'disconnected', 'rate_limited', 'unavailable', 'internal']);

export function isTransient(code: string): boolean {
  return TRANSIENT.has(code);
}

function parse(raw: string | null): OutboxItem[] {
  if (!raw) return [];
  try {
    const data: unknown = JSON.parse(raw);
    if (!Array.isArray(data)) return [];
    return data.filter(
      (x): x is OutboxItem =>
        typeof x === 'object' && x !== null && typeof x.clientId === 'string' && typeof x.text === 'string',
    );
  } catch {
    return [];
  }
}

export class Outbox {
  #items: OutboxItem[];
  readonly #persistence: OutboxPersistence;

  constructor(persistence: OutboxPersistence) {
    this.#persistence = persistence;
    // After a reload nothing is in flight any more: everything that is not failed for good is retried.
    this.#items = parse(persistence.load()).map((item) => ({
      ...item,
      state: item.retryable === false ? 'failed' : 'sending',
      retryable: item.retryable !== false,
    }));
  }

  list(): readonly OutboxItem[] {
    return this.#items;
  }

  get size(): number {
    return this.#items.length;
  }

  add(text: string, attachments?: OutboxAttachment[], now = new Date()): OutboxItem {
    const item: OutboxItem = {
      clientId: newClientId(),
      text,
      createdAt: now.toISOString(),
      state: 'sending',
      retryable: true,
      attachments,
    };
    this.#items = [...this.#items, item];
    this.#persist();
    return item;
  }

  /** The oldest item waiting to be sent, skipping those currently in flight. */
  next(inFlight: ReadonlySet<string>): OutboxItem | undefined {
    return this.#items.find((i) => i.state === 'sending' && !inFlight.has(i.clientId));
  }

  /** Acknowledged (or seen in the conversation): forget it. Returns true when it was there. */
  remove(clientId: string): boolean {
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => i.clientId !== clientId);
    if (this.#items.length === before) return false;
    this.#persist();
    return true;
  }

  fail(clientId: string, code: string): void {
    this.update(clientId, { state: 'failed', retryable: isTransient(code), error: code });
  }

  /** The visitor tapped "retry": send it again whatever the previous failure was. */
  retry(clientId: string): void {
    this.update(clientId, { state: 'sending', retryable: true });
  }

  /** A new connection: every failed-but-retryable item goes back to "sending". */
  resumeTransient(): void {
    let changed = false;
    this.#items = this.#items.map((i) => {
      if (i.state === 'failed' && i.retryable) {
        changed = true;
        return { ...i, state: 'sending' as const };
      }
      return i;
    });
    if (changed) this.#persist();
  }

  /** Removes items whose clientId already appears among stored messages. */
  reconcile(clientIds: Iterable<string | null>): boolean {
    const seen = new Set(clientIds);
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => !seen.has(i.clientId));
    if (this.#items.length === before) return false;
    this.#persist();
    return true;
  }

  clear(): void {
    this.#items = [];
    this.#persist();
  }

  update(clientId: string, patch: Partial<OutboxItem>): void {
    this.#items = this.#items.map((i) => (i.clientId === clientId ? { ...i, ...patch } : i));
    this.#persist();
  }

  #persist(): void {
    this.#persistence.save(this.#items.length ? JSON.stringify(this.#items) : null);
  }
}
