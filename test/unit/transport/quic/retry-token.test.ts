import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RetryTokens } from '../../../../src/transport/quic/retry-token.js';

describe('retry tokens', () => {
  const key = randomBytes(32);
  const odcid = randomBytes(16);
  const scid = randomBytes(20);
  let clock = 1_700_000_000_000;
  const tokens = new RetryTokens({ key, lifetimeMs: 10_000, now: () => clock });

  it('give back the original connection id for the same retry id and address', () => {
    const token = tokens.mint(odcid, scid, '127.0.0.1');
    const check = tokens.check(token, scid, '127.0.0.1');
    assert.ok(check.ok);
    assert.deepEqual(Buffer.from(check.originalDcid), odcid);
  });

  it('are refused from another address or for another retry id', () => {
    const token = tokens.mint(odcid, scid, '127.0.0.1');
    assert.deepEqual(tokens.check(token, scid, '127.0.0.2'), { ok: false, why: 'forged' });
    assert.deepEqual(tokens.check(token, randomBytes(20), '127.0.0.1'), { ok: false, why: 'forged' });
  });

  it('cannot be forged: any changed byte, or another key, fails the MAC', () => {
    const token = tokens.mint(odcid, scid, '10.0.0.1');
    for (let i = 1; i < token.length; i++) {
      if (i === 7) continue; // the length byte: checked as malformed instead
      const bad = Buffer.from(token);
      bad[i] ^= 0x40;
      assert.equal(tokens.check(bad, scid, '10.0.0.1').ok, false, `byte ${i}`);
    }
    const other = new RetryTokens({ key: randomBytes(32), now: () => clock });
    assert.deepEqual(other.check(token, scid, '10.0.0.1'), { ok: false, why: 'forged' });
  });

  it('expire after their lifetime', () => {
    const token = tokens.mint(odcid, scid, '127.0.0.1');
    clock += 10_000;
    assert.equal(tokens.check(token, scid, '127.0.0.1').ok, true);
    clock += 1;
    assert.deepEqual(tokens.check(token, scid, '127.0.0.1'), { ok: false, why: 'expired' });
  });

  it('reject what is not a token', () => {
    assert.deepEqual(tokens.check(new Uint8Array(0), scid, '127.0.0.1'), { ok: false, why: 'malformed' });
    assert.deepEqual(tokens.check(randomBytes(40), scid, '127.0.0.1'), { ok: false, why: 'malformed' });
    const token = tokens.mint(odcid, scid, '127.0.0.1');
    assert.deepEqual(tokens.check(token.subarray(0, token.length - 1), scid, '127.0.0.1'), { ok: false, why: 'malformed' });
  });

  it('refuse short keys', () => {
    assert.throws(() => new RetryTokens({ key: randomBytes(8) }), /16 bytes/);
  });
});
