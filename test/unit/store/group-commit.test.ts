import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../../src/store/group-commit.js';

/** A commit function that records its batches and doubles each item. */
function recorder(fail?: (items: readonly number[]) => boolean) {
  const batches: number[][] = [];
  const commit = (items: readonly number[]): number[] => {
    if (fail?.(items)) throw new Error('disk on fire');
    batches.push([...items]);
    return items.map((x) => x * 2);
  };
  return { batches, commit };
}

describe('GroupCommit', () => {
  it('commits everything submitted in one turn together, results in order', async () => {
    const r = recorder();
    const q = new GroupCommit(r.commit, 1000);
    const results = await Promise.all([1, 2, 3, 4].map((x) => q.submit(x)));
    assert.deepEqual(results, [2, 4, 6, 8]);
    assert.deepEqual(r.batches, [[1, 2, 3, 4]]);
    assert.equal(q.commits, 1);
  });

  it('settles nothing before the commit', async () => {
    const r = recorder();
    const q = new GroupCommit(r.commit, 1000);
    let settled = false;
    const p = q.submit(1).then(() => { settled = true; });
    await Promise.resolve();
    assert.equal(settled, false);
    assert.equal(q.pending, 1);
    await p;
    assert.equal(q.pending, 0);
  });

  it('commits a full batch at once and the rest at the end of the turn', async () => {
    const r = recorder();
    const q = new GroupCommit(r.commit, 3);
    const all = [1, 2, 3, 4, 5, 6, 7].map((x) => q.submit(x));
    assert.deepEqual(r.batches, [[1, 2, 3], [4, 5, 6]], 'full batches did not wait for the turn to end');
    await Promise.all(all);
    assert.deepEqual(r.batches, [[1, 2, 3], [4, 5, 6], [7]]);
    assert.equal(q.commits, 3);
  });

  it('starts a new batch for submissions made after a commit', async () => {
    const r = recorder();
    const q = new GroupCommit(r.commit, 1000);
    await q.submit(1);
    await Promise.all([q.submit(2), q.submit(3)]);
    assert.deepEqual(r.batches, [[1], [2, 3]]);
  });

  it('rejects every submitter of a failed batch and goes on with the next', async () => {
    const r = recorder((items) => items.includes(13));
    const q = new GroupCommit(r.commit, 1000);
    const outcomes = await Promise.allSettled([q.submit(1), q.submit(13), q.submit(2)]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    assert.equal(q.commits, 0);
    assert.equal(await q.submit(5), 10);
    assert.deepEqual(r.batches, [[5]]);
  });

  it('commits a failed batch one by one when its error may be one item\'s: only that item fails', async () => {
    const r = recorder((items) => items.includes(13));
    const q = new GroupCommit(r.commit, 1000, 0, () => false, (e) => e instanceof Error && e.message === 'disk on fire');
    const outcomes = await Promise.allSettled([1, 2, 13, 3, 4].map((x) => q.submit(x)));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.deepEqual(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined)), [2, 4, undefined, 6, 8]);
    assert.deepEqual(r.batches, [[1], [2], [3], [4]], 'the others committed alone, in order');
  });

  it('stops the one-by-one commits at an error that is no item\'s, failing the rest untried', async () => {
    let calls = 0;
    const q = new GroupCommit((items: readonly number[]) => {
      calls++;
      if (items.length > 1) throw new Error('constraint');
      if (items[0] === 2) throw new Error('database closed');
      return items.map((x) => x * 2);
    }, 1000, 0, () => false, (e) => e instanceof Error && e.message === 'constraint');
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((x) => q.submit(x)));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'rejected']);
    assert.deepEqual(outcomes.slice(1).map((o) => (o.status === 'rejected' ? (o.reason as Error).message : '')), ['database closed', 'database closed', 'database closed']);
    assert.equal(calls, 3, 'the batch, then items 1 and 2; 3 and 4 were not tried');
  });

  it('while held, turns commit nothing and the batch gathers; release commits it in one go', async () => {
    const r = recorder();
    let held = true;
    const q = new GroupCommit(r.commit, 1000, 0, () => held);
    const all = [q.submit(1)];
    for (let i = 2; i <= 4; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      all.push(q.submit(i));
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(r.batches, []);
    held = false;
    q.release();
    assert.deepEqual(await Promise.all(all), [2, 4, 6, 8]);
    assert.deepEqual(r.batches, [[1, 2, 3, 4]]);
  });

  it('settles a commit that answers later with its submitters then, in order', async () => {
    let finish: ((r: number[]) => void) | undefined;
    const q = new GroupCommit((items: readonly number[]) => new Promise<number[]>((resolve) => { finish = () => resolve(items.map((x) => -x)); }), 1000);
    const all = Promise.all([q.submit(1), q.submit(2)]);
    q.flush();
    assert.equal(q.commits, 0);
    finish?.([]);
    assert.deepEqual(await all, [-1, -2]);
    assert.equal(q.commits, 1);
  });

  it('flush commits at once', () => {
    const r = recorder();
    const q = new GroupCommit(r.commit, 1000);
    void q.submit(1);
    q.flush();
    assert.deepEqual(r.batches, [[1]]);
    q.flush();
    assert.equal(q.commits, 1, 'an empty queue commits nothing');
  });
});
