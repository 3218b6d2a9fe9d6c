// docs/irc.md §6.16: the departures WHOWAS answers from, newest first and bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WhowasLog } from '../../../../src/gateways/irc/whowas.js';

const entry = (name: string, n: number) => ({ name, username: `~u${n}`, realname: `r${n}`, at: n });

describe('IRC §6.16 WhowasLog', () => {
  it('answers a name without regard to case, newest first, up to a positive count, all otherwise', () => {
    const log = new WhowasLog();
    for (let n = 1; n <= 3; n++) log.record(entry('Nick2', n));
    assert.deepEqual(log.lookup('nick2', 0).map((e) => e.at), [3, 2, 1]);
    assert.deepEqual(log.lookup('NICK2', 2).map((e) => e.at), [3, 2]);
    assert.deepEqual(log.lookup('nick2', -1).length, 3);
    assert.deepEqual(log.lookup('other', 0), []);
  });

  it('keeps 10 departures of a name and the 1000 names that left last', () => {
    const log = new WhowasLog();
    for (let n = 0; n < 15; n++) log.record(entry('busy', n));
    assert.equal(log.lookup('busy', 0).length, 10);
    assert.equal(log.lookup('busy', 0)[0].at, 14);
    for (let n = 0; n < 1000; n++) log.record(entry(`name${n}`, n));
    assert.deepEqual(log.lookup('busy', 0), [], 'the name that left longest ago is forgotten first');
    assert.equal(log.lookup('name0', 0).length, 1);
  });
});
