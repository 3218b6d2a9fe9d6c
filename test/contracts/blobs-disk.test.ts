import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskBlobStore } from '../../src/store/blobs-disk.js';
import { blobStoreContract } from './blobs.js';

blobStoreContract('disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-blobs-'));
  return { blobs: new DiskBlobStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('DiskBlobStore on disk', () => {
  it('stores content under the id, never another path, and sweeps what a crash left half-written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-blobs-'));
    try {
      const blobs = new DiskBlobStore(dir);
      const id = '0123456789abcdef0123456789abcdef';
      const w = await blobs.create(id);
      await w.write(Uint8Array.from([1, 2, 3]));
      await w.commit();
      assert.ok(existsSync(join(dir, '01', id)));
      await assert.rejects(blobs.create('../escape'), RangeError);
      const crashed = await blobs.create('f'.repeat(32));
      await crashed.write(Uint8Array.from([9]));
      assert.deepEqual(readdirSync(join(dir, 'partial')), ['f'.repeat(32)]);
      await crashed.abort();
      const again = new DiskBlobStore(dir);
      await (await again.create('e'.repeat(32))).write(Uint8Array.from([7]));
      await again.sweep();
      assert.deepEqual(readdirSync(join(dir, 'partial')), []);
      assert.equal((await again.open(id))?.size, 3, 'committed content survives a sweep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
