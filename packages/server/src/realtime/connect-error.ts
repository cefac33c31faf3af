import type { ErrorCode } from '@parley/protocol';

/** Socket.IO connect_error carrying our stable code as its message (the contract) and in `data`. */
export function connectError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}
