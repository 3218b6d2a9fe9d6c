import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/vocabulary/errors.js';
import { appCodeOf, closeReasonOf, describeQuicError, QuicAppCode } from '../../../../src/transport/quic/codes.js';
import { dcidKey } from '../../../../src/transport/quic/endpoint.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('QUIC application error codes', () => {
  it('carry the core error code of a close reason as is', () => {
    assert.equal(appCodeOf({ code: 0, text: 'closed' }), 0);
    assert.equal(appCodeOf({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' }), 51);
    assert.equal(appCodeOf({ code: ErrorCode.SLOW_CONSUMER, text: 'x' }), 41);
  });

  it('read back into the same close reason', () => {
    assert.deepEqual(closeReasonOf({ isApp: true, errorCode: 51, reason: text('SHUTTING_DOWN') }), { code: 51, text: 'SHUTTING_DOWN' });
    assert.deepEqual(closeReasonOf({ isApp: true, errorCode: 0, reason: text('') }), { code: 0, text: 'closed by peer' });
    assert.equal(closeReasonOf({ isApp: true, errorCode: 9999, reason: text('') }).code, ErrorCode.PROTOCOL_ERROR);
    assert.equal(closeReasonOf({ isApp: false, errorCode: 0x0a, reason: text('') }).code, ErrorCode.PROTOCOL_ERROR);
  });

  it('are described for people', () => {
    assert.equal(describeQuicError({ isApp: true, errorCode: 51, reason: text('SHUTTING_DOWN') }), 'application error 51 (SHUTTING_DOWN)');
    assert.equal(describeQuicError({ isApp: true, errorCode: QuicAppCode.STREAM_REFUSED, reason: text('') }), 'application error 257 (STREAM_REFUSED)');
    assert.equal(describeQuicError({ isApp: false, errorCode: 0x100 + 42, reason: text('') }), 'TLS alert 42 (bad certificate)');
    assert.equal(describeQuicError({ isApp: false, errorCode: 0x0b, reason: text('') }), 'transport error INVALID_TOKEN');
  });
});

describe('dcidKey', () => {
  it('reads the destination id of long and short headers', () => {
    const long = Buffer.from([0xc0, 0, 0, 0, 1, 3, 7, 8, 9, 0]);
    assert.equal(dcidKey(long), Buffer.from([7, 8, 9]).toString('latin1'));
    const id = Buffer.alloc(20, 5);
    assert.equal(dcidKey(Buffer.concat([Buffer.from([0x40]), id, Buffer.alloc(10)])), id.toString('latin1'));
    assert.equal(dcidKey(Buffer.from([0x40, 1, 2])), undefined);
    assert.equal(dcidKey(Buffer.from([0xc0, 0, 0, 0, 1, 21])), undefined);
  });
});
