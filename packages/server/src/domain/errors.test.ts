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
import { isDataException, isUnavailable } from './errors.js';

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
