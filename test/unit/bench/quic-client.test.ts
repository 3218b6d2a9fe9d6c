import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { checkPinnedChain } from '../../../bench/clients/byte-pipe.js';
import { encodeLine, LineSplitter } from '../../../bench/clients/lines.js';

describe('bench: the quicjs peer framing', () => {
  it('gives whole lines however the bytes are cut, and holds back an unfinished one', () => {
    const lines = ['0 1 1700000000000.123', 'hello', '', `3 4 5 ${'x'.repeat(300)}`];
    const bytes = Buffer.concat(lines.map(encodeLine));
    for (const cut of [1, 2, 7, 64, bytes.length]) {
      const splitter = new LineSplitter();
      const got: string[] = [];
      for (let i = 0; i < bytes.length; i += cut) got.push(...splitter.push(bytes.subarray(i, i + cut)));
      assert.deepEqual(got, lines, `cut ${cut}`);
      assert.equal(splitter.pendingLength, 0);
    }
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('a\nbc')), ['a']);
    assert.equal(splitter.pendingLength, 2);
    assert.deepEqual(splitter.push(Buffer.from('d\n')), ['bcd']);
  });
});

describe('bench: QUIC certificate pin', () => {
  it('accepts the announced fingerprint of the leaf, refuses another, and accepts any without one', () => {
    const leaf = randomBytes(300);
    const pin = createHash('sha256').update(leaf).digest('hex').toUpperCase().match(/../g)!.join(':');
    assert.equal(checkPinnedChain([leaf, randomBytes(10)], pin), undefined);
    assert.equal(checkPinnedChain([leaf], pin.toLowerCase()), undefined);
    assert.match(checkPinnedChain([randomBytes(300)], pin)?.message ?? '', /is not the announced/);
    assert.match(checkPinnedChain([], pin)?.message ?? '', /\(none\)/);
    assert.equal(checkPinnedChain([], undefined), undefined);
  });
});
