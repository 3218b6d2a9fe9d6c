// QUIC application error codes carried by CONNECTION_CLOSE (and stream resets) on `confab/1`.
// A connection closed by the chat layer carries the core ErrorCode of its CloseReason as is
// (0 = NO_ERROR, 51 = SHUTTING_DOWN, ...), so both ends read the same number. Codes the QUIC
// transport adds itself are at 0x100 and above, out of the catalogue's range.
import { ErrorCode, errorName } from '../../vocabulary/errors.js';
import type { CloseReason } from '../../ports/connection.js';
import type { QuicheError } from './binding.js';

export const QuicAppCode = {
  /** A normal close. */
  NO_ERROR: 0,
  /** A stream this endpoint does not serve (only stream 0 carries the native protocol). */
  STREAM_REFUSED: 0x101,
} as const;

/** The TLS alert quiche reports as a QUIC crypto error, offset by 0x100 (RFC 9001, 4.8). */
export const CRYPTO_ERROR_BASE = 0x100;
export const TLS_ALERT_BAD_CERTIFICATE = 42;
const TLS_ALERTS: Record<number, string> = {
  40: 'handshake failure',
  42: 'bad certificate',
  45: 'certificate expired',
  46: 'certificate unknown',
  48: 'unknown CA',
  80: 'internal error',
  120: 'no application protocol (ALPN)',
};

/** Transport error codes of RFC 9000, 20.1, for messages. */
const TRANSPORT_ERRORS = [
  'NO_ERROR', 'INTERNAL_ERROR', 'CONNECTION_REFUSED', 'FLOW_CONTROL_ERROR', 'STREAM_LIMIT_ERROR',
  'STREAM_STATE_ERROR', 'FINAL_SIZE_ERROR', 'FRAME_ENCODING_ERROR', 'TRANSPORT_PARAMETER_ERROR',
  'CONNECTION_ID_LIMIT_ERROR', 'PROTOCOL_VIOLATION', 'INVALID_TOKEN', 'APPLICATION_ERROR',
  'CRYPTO_BUFFER_EXCEEDED', 'KEY_UPDATE_ERROR', 'AEAD_LIMIT_REACHED', 'NO_VIABLE_PATH',
];

/** The application error code that carries `reason` on the wire. */
export function appCodeOf(reason: CloseReason): number {
  return Number.isSafeInteger(reason.code) && reason.code > 0 ? reason.code : QuicAppCode.NO_ERROR;
}

/** What a CONNECTION_CLOSE from the peer means for the chat layer. */
export function closeReasonOf(error: QuicheError): CloseReason {
  const detail = new TextDecoder().decode(error.reason);
  if (error.isApp) {
    if (error.errorCode === QuicAppCode.NO_ERROR) return { code: 0, text: detail || 'closed by peer' };
    const name = errorName(error.errorCode);
    if (name) return { code: error.errorCode, text: detail || name };
    return { code: ErrorCode.PROTOCOL_ERROR, text: `QUIC application error ${error.errorCode}${detail ? `: ${detail}` : ''}` };
  }
  return { code: error.errorCode === 0 ? 0 : ErrorCode.PROTOCOL_ERROR, text: describeQuicError(error) };
}

/** 'application error 51 (SHUTTING_DOWN)', 'TLS alert 42 (bad certificate)', ... */
export function describeQuicError(error: QuicheError): string {
  const detail = new TextDecoder().decode(error.reason);
  const suffix = detail ? `: ${detail}` : '';
  const code = error.errorCode;
  if (error.isApp) {
    const name = code === 0 ? 'NO_ERROR' : errorName(code) ?? (code === QuicAppCode.STREAM_REFUSED ? 'STREAM_REFUSED' : undefined);
    return `application error ${code}${name ? ` (${name})` : ''}${detail === name ? '' : suffix}`;
  }
  if (code >= CRYPTO_ERROR_BASE && code < CRYPTO_ERROR_BASE + 0x100) {
    const alert = code - CRYPTO_ERROR_BASE;
    return `TLS alert ${alert}${TLS_ALERTS[alert] ? ` (${TLS_ALERTS[alert]})` : ''}${suffix}`;
  }
  return `transport error ${TRANSPORT_ERRORS[code] ?? code}${suffix}`;
}
