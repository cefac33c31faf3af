import type { Ack, ErrorBody } from '@parley/protocol';
import type { z } from 'zod';
import { containsNul, DomainError, isDataException, isUnavailable } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** Tracks handlers still running so a graceful shutdown can wait for in-flight writes. */
export function inFlightTracker() {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    begin() {
      count++;
    },
    end() {
      count--;
      if (count === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    },
    idle(): Promise<void> {
      return count === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    get count() {
      return count;
    },
  };
}

export type HandlerContext = { log: Logger; metrics: Metrics; inFlight: ReturnType<typeof inFlightTracker> };

/** Runs before every handler of a namespace; false = the event was answered already and is dropped. */
// biome-ignore lint/suspicious/noExplicitAny: the socket type is the namespace's
export type Admit = (socket: any, ack: ((res: unknown) => void) | undefined) => boolean;

type Listener = (...args: unknown[]) => void;
type SocketLike = { on(event: string, listener: Listener): unknown };

export function errorBody(error: unknown, log: Logger, event: string): ErrorBody {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (isUnavailable(error)) {
    log.warn({ err: error, event }, 'store unavailable');
    return { code: 'unavailable', message: 'the chat is briefly unavailable; please retry' };
  }
  if (isDataException(error)) {
    log.warn({ err: error, event }, 'input refused by the database');
    return { code: 'invalid_payload', message: 'the payload holds a value that cannot be stored' };
  }
  log.error({ err: error, event }, 'handler failed');
  return { code: 'internal', message: 'something went wrong on our side; please retry' };
}

/**
 * One socket event: its payload schema and what it does. `run` gets the socket it came from, so one
 * handler serves every connection of a namespace.
 */
export type EventHandler<S extends z.ZodType, Sock> = {
  schema: S;
  run(payload: z.infer<S>, socket: Sock): Promise<object> | object;
};

/** Declares a handler with its payload type inferred from the schema. */
export function on<Sock>() {
  return <S extends z.ZodType>(schema: S, run: (payload: z.infer<S>, socket: Sock) => Promise<object> | object) =>
    ({ schema, run }) as EventHandler<S, Sock>;
}

/**
 * Turns a namespace's handler table into socket.io listeners, ONCE per namespace: socket.io calls a
 * listener with `this` = the socket, so a connection costs one reference per event instead of a set of
 * closures (memory per idle visitor: docs/performance.md). Each listener validates the payload with its
 * zod schema, runs the handler, and answers the acknowledgement with `{ok:true,...}` or `{ok:false,error}`.
 * Never throws; a missing ack is tolerated.
 */
export function listeners<Sock>(
  ctx: HandlerContext,
  // biome-ignore lint/suspicious/noExplicitAny: each entry carries its own schema type
  table: Record<string, EventHandler<any, Sock>>,
  admit?: Admit,
): [string, Listener][] {
  return Object.entries(table).map(([event, handler]) => [
    event,
    function (this: Sock, ...args: unknown[]) {
      if (admit) {
        const last = args[args.length - 1];
        if (!admit(this, typeof last === 'function' ? (last as (res: unknown) => void) : undefined)) return;
      }
      void dispatch(ctx, event, handler, this, args);
    },
  ]);
}

/** Registers the shared listeners on one socket. */
export function attach(socket: SocketLike, shared: [string, Listener][]): void {
  for (const [event, listener] of shared) socket.on(event, listener);
}

async function dispatch<Sock>(
  ctx: HandlerContext,
  event: string,
  // biome-ignore lint/suspicious/noExplicitAny: see listeners()
  handler: EventHandler<any, Sock>,
  socket: Sock,
  args: unknown[],
): Promise<void> {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (res: Ack<object>) => void) : () => {};
  const raw = typeof args[0] === 'function' ? undefined : args[0];
  const started = performance.now();
  const reply = (res: Ack<object>) => {
    if (!res.ok) ctx.metrics.rejected.inc({ code: res.error.code });
    ctx.metrics.ackLatency.observe({ event }, (performance.now() - started) / 1000);
    try {
      ack(res);
    } catch {
      // The client went away; nothing to tell.
    }
  };
  const parsed = handler.schema.safeParse(raw ?? {});
  if (parsed.success && containsNul(parsed.data)) {
    reply({ ok: false, error: { code: 'invalid_payload', message: 'payload: NUL characters are not allowed' } });
    return;
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    reply({
      ok: false,
      error: {
        code: 'invalid_payload',
        message: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload',
      },
    });
    return;
  }
  ctx.inFlight.begin();
  try {
    const result = await handler.run(parsed.data, socket);
    reply({ ok: true, ...result });
  } catch (error) {
    reply({ ok: false, error: errorBody(error, ctx.log, event) });
  } finally {
    ctx.inFlight.end();
  }
}
