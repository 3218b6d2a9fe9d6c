import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { hashPassword, needsRehash, verifyPassword } from '../../../src/core/password.js';

describe('password hashing', () => {
  it('protocol.md §13.2 encodes scrypt$N$r$p$salt$hash at OWASP\'s cost by default (N = 2^17, r = 8, p = 1)', async () => {
    const h = await hashPassword('correct horse');
    const [alg, n, r, p, salt, hash] = h.split('$');
    assert.deepEqual([alg, n, r, p], ['scrypt', String(2 ** 17), '8', '1']);
    assert.equal(Buffer.from(salt, 'base64').length, 16);
    // The hash is scrypt of the password under that salt, independently computed.
    const expected = scryptSync('correct horse', Buffer.from(salt, 'base64'), 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    assert.equal(hash, expected.toString('base64'));
  });

  it('protocol.md §13.2 hashes at a chosen cost, and tells weaker hashes to be replaced', async () => {
    const cheap = await hashPassword('correct horse', 10);
    assert.equal(cheap.split('$')[1], '1024');
    assert.equal(await verifyPassword('correct horse', cheap), true);
    assert.equal(needsRehash(cheap, 10), false);
    assert.equal(needsRehash(cheap, 14), true);
    const salt = Buffer.from('0123456789abcdef');
    const old = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync('pw', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
    assert.equal(needsRehash(old, 17), true);
    assert.equal(needsRehash(old, 14), false);
    assert.equal(needsRehash('scrypt$131072$4$1$x$y', 17), true, 'a smaller r is weaker');
    assert.equal(needsRehash('plain', 10), true);
    await assert.rejects(hashPassword('pw', 9), RangeError);
    await assert.rejects(hashPassword('pw', 21), RangeError);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('s3cret', 10);
    assert.equal(await verifyPassword('s3cret', h), true);
    assert.equal(await verifyPassword('s3cret ', h), false);
    assert.equal(await verifyPassword('S3cret', h), false);
    assert.equal(await verifyPassword('', h), false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 10), hashPassword('same', 10)]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same', a), true);
    assert.equal(await verifyPassword('same', b), true);
  });

  it('matches composed and decomposed forms of the same text', async () => {
    const h = await hashPassword('caf\u00e9', 10);
    assert.equal(await verifyPassword('cafe\u0301', h), true);
  });

  it('verifies hashes made with other parameters, read from the hash', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old', salt, 32, { N: 1024, r: 4, p: 2 });
    const h = `scrypt$1024$4$2$${salt.toString('base64')}$${key.toString('base64')}`;
    assert.equal(await verifyPassword('old', h), true);
    assert.equal(await verifyPassword('new', h), false);
  });

  it('refuses malformed or absurdly expensive hashes instead of throwing', async () => {
    const good = await hashPassword('pw-secret');
    const salt = good.split('$')[4];
    const hash = good.split('$')[5];
    for (const bad of [
      '', 'plain', 'bcrypt$16384$8$1$x$y', `scrypt$16384$8$1$${salt}`,
      `scrypt$16383$8$1$${salt}$${hash}`,          // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`,      // would need gigabytes
      `scrypt$16384$0$1$${salt}$${hash}`,
      `scrypt$16384$8$1$$${hash}`,
      `scrypt$16384$8$1$${salt}$`,
      `scrypt$abc$8$1$${salt}$${hash}`,
    ]) {
      assert.equal(await verifyPassword('pw-secret', bad), false, bad);
    }
  });
});
