import { ErrorCode } from '../vocabulary/errors.js';
import type { CloseReason } from '../ports/connection.js';

export const NORMAL_CLOSE: CloseReason = Object.freeze({ code: 0, text: 'closed' });
export const CLOSED_BY_PEER: CloseReason = Object.freeze({ code: 0, text: 'closed by peer' });
export const SLOW_CONSUMER: CloseReason = Object.freeze({ code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' });
export const SHUTTING_DOWN: CloseReason = Object.freeze({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
