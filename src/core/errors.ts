import { ErrorCode, type ErrorCodeValue, type ErrorName } from '../vocabulary/errors.js';

/** An expected, user-facing failure of a core operation. */
export class ChatError extends Error {
  readonly code: ErrorCodeValue;
  readonly errorName: ErrorName;
  /** Milliseconds after which the request may succeed if repeated; 0: not given (ERROR.retryMs). */
  readonly retryMs: number;
  constructor(name: ErrorName, message?: string, retryMs = 0) {
    super(message ?? name);
    this.errorName = name;
    this.code = ErrorCode[name];
    this.retryMs = retryMs;
  }
}

export function isChatError(e: unknown): e is ChatError {
  return e instanceof ChatError;
}
