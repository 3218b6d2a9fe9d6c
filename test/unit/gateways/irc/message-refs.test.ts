// CHATHISTORY message references (docs/irc.md §6.14): msgid=, timestamp= and *, and the ids they bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstIdAt } from '../../../../src/core/ids.js';
import { afterId, beforeId, parseLimit, parseMessageRef } from '../../../../src/gateways/irc/message-refs.js';

describe('CHATHISTORY message references', () => {
  it('msgid= is a confab id, or the id of a later line of it', () => {
    assert.deepEqual(parseMessageRef('msgid=123456'), { kind: 'msgid', id: 123456 });
    assert.deepEqual(parseMessageRef('msgid=123456-2'), { kind: 'msgid', id: 123456 });
    for (const bad of ['msgid=', 'msgid=0', 'msgid=012', 'msgid=abc', 'msgid=1-0', 'msgid=99999999999999999', 'msgid=1 ', 'id=5', '5']) {
      assert.equal(parseMessageRef(bad), undefined, bad);
    }
  });

  it('timestamp= is an RFC 3339 time with a zone', () => {
    assert.deepEqual(parseMessageRef('timestamp=2026-01-02T03:04:05.678Z'), { kind: 'timestamp', at: Date.UTC(2026, 0, 2, 3, 4, 5, 678) });
    assert.deepEqual(parseMessageRef('timestamp=2026-01-02T03:04:05+01:00'), { kind: 'timestamp', at: Date.UTC(2026, 0, 2, 2, 4, 5) });
    for (const bad of ['timestamp=2026-01-02', 'timestamp=2026-01-02T03:04:05', 'timestamp=yesterday', 'timestamp=2026-13-45T99:99:99Z', 'timestamp=']) {
      assert.equal(parseMessageRef(bad), undefined, bad);
    }
  });

  it('* only where the subcommand takes it; an over-long reference is refused', () => {
    assert.deepEqual(parseMessageRef('*', true), { kind: 'latest' });
    assert.equal(parseMessageRef('*'), undefined);
    assert.equal(parseMessageRef(`msgid=1${'0'.repeat(70)}`), undefined);
  });

  it('bounds: a msgid excludes its message; a timestamp excludes its millisecond', () => {
    const at = Date.UTC(2026, 5, 1);
    assert.equal(beforeId({ kind: 'msgid', id: 42 }), 42);
    assert.equal(afterId({ kind: 'msgid', id: 42 }), 42);
    assert.equal(beforeId({ kind: 'timestamp', at }), firstIdAt(at));
    assert.equal(afterId({ kind: 'timestamp', at }), firstIdAt(at + 1) - 1);
    assert.ok(afterId({ kind: 'timestamp', at }) >= beforeId({ kind: 'timestamp', at }));
  });

  it('limits are whole numbers from 1, capped at the maximum', () => {
    assert.equal(parseLimit('5', 100), 5);
    assert.equal(parseLimit('100000', 100), 100);
    for (const bad of ['0', '-1', '1.5', 'ten', '', '9999999999']) assert.equal(parseLimit(bad, 100), undefined, bad);
  });
});
