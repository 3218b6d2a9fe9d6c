// The reply queue of the request/response seed gateways (docs/cp.md §7.4, docs/chatos.md §5.7):
// replies leave in request order whenever their answers become known, and the reader is told to
// wait at the bound.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OrderedReplies } from '../../../src/gateways/ordered-replies.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function deferred(): { promise: Promise<Uint8Array>; resolve: (s: string) => void } {
  let resolve!: (b: Uint8Array) => void;
  const promise = new Promise<Uint8Array>((r) => { resolve = r; });
  return { promise, resolve: (s) => resolve(bytes(s)) };
}
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('cp.md §7.4 and chatos.md §5.7: replies in request order', () => {
  it('writes a reply known now at once when nothing waits', () => {
    const out: string[] = [];
    const q = new OrderedReplies((b) => out.push(text(b)), 4);
    q.now(bytes('a'));
    assert.deepEqual(out, ['a']);
    assert.equal(q.waiting, 0);
    assert.equal(q.room(), undefined);
    assert.equal(q.settled(), undefined);
  });

  it('holds replies behind an earlier one that is not known yet, and writes them in order once it is', async () => {
    const out: string[] = [];
    const q = new OrderedReplies((b) => out.push(text(b)), 10);
    const first = deferred();
    const second = deferred();
    q.later(first.promise);
    q.now(bytes('refused'));
    q.later(second.promise);
    q.now(bytes('last'));
    second.resolve('acked 2');
    await turn();
    assert.deepEqual(out, [], 'nothing overtakes the first reply');
    assert.equal(q.waiting, 4);
    first.resolve('acked 1');
    await turn();
    assert.deepEqual(out, ['acked 1', 'refused', 'acked 2', 'last']);
    assert.equal(q.waiting, 0);
  });

  it('room() makes the reader wait at the bound until a reply leaves; settled() until all have', async () => {
    const q = new OrderedReplies(() => undefined, 2);
    const a = deferred();
    const b = deferred();
    q.later(a.promise);
    assert.equal(q.room(), undefined);
    q.later(b.promise);
    const room = q.room();
    const settled = q.settled();
    assert.ok(room && settled);
    let roomy = false;
    let done = false;
    void room.then(() => { roomy = true; });
    void settled.then(() => { done = true; });
    b.resolve('b');
    await turn();
    assert.equal(roomy, false, 'the second reply cannot leave before the first');
    a.resolve('a');
    await turn();
    assert.equal(roomy, true);
    assert.equal(done, true);
  });

  it('clear() drops what waits and releases the reader; later answers write nothing', async () => {
    const out: string[] = [];
    const q = new OrderedReplies((b) => out.push(text(b)), 1);
    const a = deferred();
    q.later(a.promise);
    q.now(bytes('behind'));
    const room = q.room();
    assert.ok(room);
    q.clear();
    await room;
    a.resolve('late');
    await turn();
    assert.deepEqual(out, []);
    assert.equal(q.waiting, 0);
  });

  it('keeps a long run of replies in order while reusing its storage', async () => {
    const out: string[] = [];
    const q = new OrderedReplies((b) => out.push(text(b)), 1000);
    const pending = Array.from({ length: 300 }, () => deferred());
    for (const p of pending) q.later(p.promise);
    // Answers known out of order, in bursts: every 7th first, then the rest backwards.
    pending.forEach((p, i) => { if (i % 7 === 0) p.resolve(`r${i}`); });
    await turn();
    for (let i = pending.length - 1; i >= 0; i--) if (i % 7 !== 0) pending[i].resolve(`r${i}`);
    await turn();
    assert.deepEqual(out, pending.map((_, i) => `r${i}`));
  });
});
