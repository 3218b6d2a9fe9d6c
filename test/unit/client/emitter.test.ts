import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/client/emitter.js';

interface Events {
  tick: number;
  word: string;
}

class Source extends Emitter<Events> {
  constructor(onListenerError?: (err: unknown) => void) {
    super(onListenerError);
  }

  fire<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.emit(event, payload);
  }
}

describe('typed emitter', () => {
  it('calls listeners of the event in order, and stops after unsubscribe', () => {
    const s = new Source();
    const seen: string[] = [];
    const off = s.on('tick', (n) => seen.push(`a${n}`));
    s.on('tick', (n) => seen.push(`b${n}`));
    s.on('word', (w) => seen.push(w));
    s.fire('tick', 1);
    off();
    s.fire('tick', 2);
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
    assert.equal(s.listenerCount('tick'), 1);
  });

  it('once() resolves with the first payload that passes the filter and then detaches', async () => {
    const s = new Source();
    const third = s.once('tick', (n) => n >= 3);
    for (let i = 1; i <= 4; i++) s.fire('tick', i);
    assert.equal(await third, 3);
    assert.equal(s.listenerCount('tick'), 0);
  });

  it('a listener that throws does not keep the others from running; its error is reported', () => {
    const thrown: unknown[] = [];
    const s = new Source((err) => thrown.push(err));
    const seen: number[] = [];
    s.on('tick', () => {
      throw new Error('listener bug');
    });
    s.on('tick', (n) => seen.push(n));
    s.fire('tick', 1);
    assert.deepEqual(seen, [1]);
    assert.equal(thrown.length, 1);
    assert.equal((thrown[0] as Error).message, 'listener bug');
  });
});
