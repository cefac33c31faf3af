import type { ErrorCode } from '@parley/protocol';

/** An expected refusal with a stable code. Anything else thrown is a bug and answers `internal`. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const refuse = (code: ErrorCode, message: string, details?: unknown) => new DomainError(code, message, details);
