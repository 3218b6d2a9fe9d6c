// The SDK's file hash (docs/protocol.md §7.10): Web Crypto where there is one, the portable
// SHA-256 where the page is not a secure context. Both must give the digest the server checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256Hex, sha256HexPortable } from '../../../src/client/files.js';

const nodeSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('protocol.md §7.10: file digests in the client SDK', () => {
  it('the Web Crypto and the portable SHA-256 agree with each other and with Node', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (data) => {
        const expected = nodeSha256(data);
        assert.equal(await sha256Hex(data), expected);
        assert.equal(sha256HexPortable(data), expected);
      }),
      { numRuns: 200 },
    );
    // Known answer (FIPS 180-2, "abc"), and more than one block.
    assert.equal(sha256HexPortable(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const big = new Uint8Array(1 << 20).map((_, i) => i * 7);
    assert.equal(sha256HexPortable(big), nodeSha256(big));
  });

  it('falls back to the portable hash when the page has no crypto.subtle', async () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    assert.ok(original);
    // What a browser page served over plain http from a LAN address sees.
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) }, configurable: true });
    try {
      const data = new TextEncoder().encode('an upload from http://192.0.2.10:8080/');
      assert.equal(globalThis.crypto.subtle, undefined);
      assert.equal(await sha256Hex(data), nodeSha256(data));
    } finally {
      Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
