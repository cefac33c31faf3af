import {
  ClientClosedError,
  ClientOfflineError,
  CommandTimeoutDuringMaintenanceError,
  ConnectionTimeoutError,
  ErrorReply,
  SocketClosedUnexpectedlyError,
  TimeoutError,
} from 'redis';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isDataException, isUnavailable } from '../driver-errors.js';
import { parseInput, refuse, toDomainError } from './errors.js';

describe('isUnavailable', () => {
  it('knows the node-redis connection errors, subclasses included', () => {
    for (const error of [
      new ClientOfflineError(),
      new ClientClosedError(),
      new SocketClosedUnexpectedlyError(),
      new ConnectionTimeoutError(),
      new TimeoutError(),
      new CommandTimeoutDuringMaintenanceError(100),
    ])
      expect(isUnavailable(error), error.constructor.name).toBe(true);
  });

  it('knows lost PostgreSQL connections and a server shutting down', () => {
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('leaves bugs, refusals and Redis error replies alone', () => {
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isUnavailable(new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(
      false,
    );
    expect(isUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isUnavailable(null)).toBe(false);
    expect(isDataException(Object.assign(new Error('x'), { code: '22P02' }))).toBe(true);
  });
});

describe('toDomainError', () => {
  const wording = { unavailable: 'try later', bad_data: 'cannot store that', bug: 'our fault' };

  it('keeps refusals and classifies driver errors and bugs, the original as the cause', () => {
    const refusal = refuse('conflict', 'taken');
    expect(toDomainError(refusal, wording)).toBe(refusal);
    const lost = Object.assign(new Error('x'), { code: 'ECONNRESET' });
    expect(toDomainError(lost, wording)).toMatchObject({ code: 'unavailable', message: 'try later', cause: lost });
    const nul = Object.assign(new Error('x'), { code: '22021' });
    expect(toDomainError(nul, wording)).toMatchObject({ code: 'invalid_payload', fault: 'bad_data', cause: nul });
    expect(toDomainError(new TypeError('oops'), wording)).toMatchObject({ code: 'internal', fault: 'bug' });
  });
});

describe('parseInput', () => {
  const schema = z.object({ text: z.string().max(3) });
  const names = { root: 'payload', nul: 'no NUL' };

  it('returns the parsed input, or refuses with the first issue', () => {
    expect(parseInput(schema, { text: 'abc' }, names)).toEqual({ text: 'abc' });
    expect(() => parseInput(schema, { text: 'abcd' }, names)).toThrow(/^text: /);
    expect(() => parseInput(schema, 'nope', names)).toThrow(/^payload: /);
    expect(() => parseInput(schema, { text: 'a\u0000' }, names)).toThrow('no NUL');
  });
});
