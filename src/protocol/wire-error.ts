import { ErrorCode } from '../vocabulary/errors.js';

/**
 * A body that cannot be decoded. Thrown by the readers and caught by the decoder, which turns it
 * into an error item: it never leaves the codec. Not an Error subclass: a hostile peer can make
 * many of these, and a stack trace would be wasted work.
 */
export class WireError {
  constructor(readonly code: number, readonly text: string) {}
}

export const truncated = (): WireError => new WireError(ErrorCode.PROTOCOL_ERROR, 'body ends inside a field');
