import type { Ack, AckPayload } from '@parley/protocol';
import type { z } from 'zod';
import { type DomainError, type FaultWording, logFailure, parseInput, toDomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { InFlight } from './in-flight.js';

export type HandlerContext = { log: Logger; metrics: Metrics; inFlight: InFlight };

/** The payload a client event carries (its first argument in the protocol's event map). */
export type PayloadOf<F> = F extends (payload: infer P, ...rest: never[]) => void ? P : never;

/**
 * One socket event: the schema its payload is parsed with and what it does. `run` gets the socket it came
 * from, so one handler serves every connection of a namespace, and returns the acknowledgement's payload.
 */
export type EventHandler<Payload, Reply, Sock> = {
  schema: z.ZodType<Payload>;
  run: (payload: Payload, socket: Sock) => Promise<Reply> | Reply;
};

/**
 * A namespace's handler table, typed from the protocol's event map: one handler per client event (no
 * more, no fewer), each returning that event's acknowledgement payload.
 */
export type HandlerTable<Events, Sock> = {
  [E in keyof Events]: EventHandler<PayloadOf<Events[E]>, AckPayload<Events, E>, Sock>;
};

/** Declares a handler with its payload type inferred from the schema. */
export function on<Sock>() {
  return <S extends z.ZodType, R>(
    schema: S,
    run: (payload: z.infer<S>, socket: Sock) => Promise<R> | R,
  ): EventHandler<z.infer<S>, R, Sock> => ({ schema: schema as z.ZodType<z.infer<S>>, run });
}

/** Runs before every handler of a namespace; false = the event was answered already and is dropped. */
export type Admit<Sock> = (socket: Sock, ack: ((res: unknown) => void) | undefined) => boolean;

/** Any entry of a handler table, as the dispatcher sees it. */
type AnyHandler<Sock> = { schema: z.ZodType; run: (payload: never, socket: Sock) => unknown };

type Listener = (...args: unknown[]) => void;
/** The shared listeners of a namespace, registered on each of its sockets by `attach`. */
export type SharedListeners = readonly (readonly [string, Listener])[];

const SOCKET_WORDING: FaultWording = {
  unavailable: 'the chat is briefly unavailable; please retry',
  bad_data: 'the payload holds a value that cannot be stored',
  bug: 'something went wrong on our side; please retry',
};
const PAYLOAD = { root: 'payload', nul: 'payload: NUL characters are not allowed' };

/**
 * Turns a namespace's handler table into socket.io listeners, ONCE per namespace: socket.io calls a
 * listener with `this` = the socket, so a connection costs one reference per event instead of a set of
 * closures (memory per idle visitor: docs/performance.md). Each listener validates the payload with its
 * zod schema, runs the handler, and answers the acknowledgement with `{ok:true,...}` or `{ok:false,error}`.
 * Never throws; a missing ack is tolerated.
 */
export function listeners<Sock>(
  ctx: HandlerContext,
  table: Record<string, AnyHandler<Sock>>,
  admit?: Admit<Sock>,
): SharedListeners {
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
export function attach(socket: { on(event: string, listener: Listener): unknown }, shared: SharedListeners): void {
  for (const [event, listener] of shared) socket.on(event, listener);
}

async function dispatch<Sock>(
  ctx: HandlerContext,
  event: string,
  handler: AnyHandler<Sock>,
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
  const refused = (failure: DomainError) =>
    reply({ ok: false, error: { code: failure.code, message: failure.message } });
  let payload: unknown;
  try {
    payload = parseInput(handler.schema, raw, PAYLOAD);
  } catch (error) {
    refused(toDomainError(error, SOCKET_WORDING));
    return;
  }
  ctx.inFlight.begin();
  try {
    const result = (await handler.run(payload as never, socket)) as object;
    reply({ ok: true, ...result });
  } catch (error) {
    const failure = toDomainError(error, SOCKET_WORDING);
    logFailure(ctx.log, failure, { event }, 'handler failed');
    refused(failure);
  } finally {
    ctx.inFlight.end();
  }
}
