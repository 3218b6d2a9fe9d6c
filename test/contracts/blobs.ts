// The contract every BlobStore engine must meet (src/ports/blobs.ts).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BlobStore } from '../../src/ports/blobs.js';

export type BlobStoreFactory = () => Promise<{ blobs: BlobStore; cleanup(): Promise<void> }>;

const id = (c: string): string => c.repeat(32);
const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

export function blobStoreContract(name: string, make: BlobStoreFactory): void {
  describe(`BlobStore contract: ${name}`, () => {
    let blobs: BlobStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ blobs, cleanup } = await make()));
    afterEach(async () => {
      await blobs.close();
      await cleanup();
    });

    it('reads back what was written in parts, once committed, from any offset', async () => {
      const content = bytes(100_000);
      const w = await blobs.create(id('a'));
      for (let at = 0; at < content.length; at += 7_000) await w.write(content.subarray(at, at + 7_000));
      assert.equal(await blobs.open(id('a')), undefined, 'nothing readable before commit');
      await w.commit();
      const r = await blobs.open(id('a'));
      assert.ok(r);
      assert.equal(r.size, content.length);
      assert.deepEqual(await r.read(0, content.length), content);
      assert.deepEqual(await r.read(99_990, 100), content.subarray(99_990), 'short only at the end');
      assert.equal((await r.read(content.length, 10)).length, 0);
      await r.close();
    });

    it('says how much room is left for content: a whole number of bytes, or nothing off disk', async () => {
      const free = await blobs.freeBytes();
      if (free !== undefined) assert.ok(Number.isSafeInteger(free) && free >= 0, String(free));
    });

    it('keeps an empty blob', async () => {
      const w = await blobs.create(id('b'));
      await w.commit();
      const r = await blobs.open(id('b'));
      assert.equal(r?.size, 0);
      await r?.close();
    });

    it('keeps nothing of an aborted blob, and abort is idempotent', async () => {
      const w = await blobs.create(id('c'));
      await w.write(bytes(10));
      await w.abort();
      await w.abort();
      assert.equal(await blobs.open(id('c')), undefined);
      await assert.rejects(w.write(bytes(1)));
    });

    it("does not see later changes to the caller's buffer", async () => {
      const buf = bytes(16);
      const w = await blobs.create(id('d'));
      await w.write(buf);
      buf.fill(0);
      await w.commit();
      const r = await blobs.open(id('d'));
      assert.deepEqual(await r?.read(0, 16), bytes(16));
      await r?.close();
    });

    it('answers undefined for an id it does not have', async () => {
      assert.equal(await blobs.open(id('e')), undefined);
      assert.equal(await blobs.open('../../etc/passwd'), undefined);
    });
  });
}
