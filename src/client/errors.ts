import { ErrorCode, errorName, type ErrorName } from '../vocabulary/errors.js';
import type { FrameOf } from '../protocol/frames.js';

/**
 * Failures the client detects on its own. They never travel on the wire, so their codes sit
 * outside the protocol's error catalogue (core/errors.ts).
 */
export const LocalErrorCode = {
  TIMEOUT: 1001,          // no answer within the request, connect or close timeout
  NOT_CONNECTED: 1002,    // a request while the client has no connection
  CONNECTION_LOST: 1003,  // the connection ended before the answer came
  CLOSED: 1004,           // close() was called
  QUEUE_FULL: 1005,       // too many requests or unacknowledged messages in flight
  CONNECT_FAILED: 1006,   // the transport could not be opened
} as const;

export type LocalErrorName = keyof typeof LocalErrorCode;
export type ClientErrorName = ErrorName | LocalErrorName | 'UNKNOWN';

/** Every rejection and 'error' event of the client SDK. */
export class ClientError extends Error {
  override readonly name: ClientErrorName;
  readonly code: number;
  /** For VERSION_MISMATCH: the protocol versions the server speaks. */
  readonly versions: readonly number[];
  /**
   * Milliseconds after which the request may succeed if repeated (LOGIN_THROTTLED, LOGIN_BUSY:
   * docs/protocol.md §4.2.3); 0 when the server gave none.
   */
  readonly retryMs: number;

  constructor(code: number, name: ClientErrorName, message: string, versions: readonly number[] = [], retryMs = 0) {
    super(message);
    this.code = code;
    this.name = name;
    this.versions = versions;
    this.retryMs = retryMs;
  }

  /** From an ERROR frame; unknown codes (a newer server) keep their number and read UNKNOWN. */
  static fromFrame(frame: FrameOf<'ERROR'>, prefix = ''): ClientError {
    const name = errorName(frame.code) ?? 'UNKNOWN';
    const text = frame.text || name;
    return new ClientError(frame.code, name, prefix + text, frame.versions, frame.retryMs ?? 0);
  }

  static fromCode(code: number, text: string): ClientError {
    const name = errorName(code) ?? 'UNKNOWN';
    return new ClientError(code, name, text || name);
  }

  static local(name: LocalErrorName, message: string): ClientError {
    return new ClientError(LocalErrorCode[name], name, message);
  }

  static protocol(name: ErrorName, message: string): ClientError {
    return new ClientError(ErrorCode[name], name, message);
  }
}

export function isClientError(e: unknown): e is ClientError {
  return e instanceof ClientError;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
