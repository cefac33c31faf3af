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
 * Registers a socket event: validates the payload with its zod schema, runs the handler, and answers the
 * acknowledgement with `{ok:true,...}` or `{ok:false,error}`. Never throws; a missing ack is tolerated.
 */
export function handle<S extends z.ZodType, R extends object>(
  socket: SocketLike,
  ctx: HandlerContext,
  event: string,
  schema: S,
  fn: (payload: z.infer<S>) => Promise<R> | R,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (res: Ack<R>) => void) : () => {};
    const raw = typeof args[0] === 'function' ? undefined : args[0];
    const started = performance.now();
    const reply = (res: Ack<R>) => {
      if (!res.ok) ctx.metrics.rejected.inc({ code: res.error.code });
      ctx.metrics.ackLatency.observe({ event }, (performance.now() - started) / 1000);
      try {
        ack(res);
      } catch {
        // The client went away; nothing to tell.
      }
    };
    const parsed = schema.safeParse(raw ?? {});
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
      const result = await fn(parsed.data);
      reply({ ok: true, ...result });
    } catch (error) {
      reply({ ok: false, error: errorBody(error, ctx.log, event) });
    } finally {
      ctx.inFlight.end();
    }
  });
}
