// Events that reach a session while its login is still being answered (protocol.md §7.6: sent
// after SESSION and the replay; the same for ChatOS's ACK and ChatApp's CONNECT snapshot): held in
// order and bounded, so a login that takes long cannot make the server buffer without end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent } from '../../../src/core/events.js';
import { EARLY_EVENTS_MAX, EarlyEvents } from '../../../src/gateways/early-events.js';

const typing = (user: string): ChatEvent => ({ kind: 'typing', room: '#general', user });

describe('protocol.md §7.6 events during a login: held, in order, bounded', () => {
  it('holds nothing until the login begins; then keeps events in order and hands them over once', () => {
    const early = new EarlyEvents();
    assert.equal(early.holding, false);
    early.hold();
    assert.equal(early.holding, true);
    for (const u of ['a', 'b', 'c']) assert.equal(early.push(typing(u)), true);
    assert.deepEqual(early.release(), [typing('a'), typing('b'), typing('c')]);
    assert.equal(early.holding, false);
    assert.deepEqual(early.release(), []);
  });

  it(`refuses the event past ${EARLY_EVENTS_MAX} (the caller cuts the client off as a slow consumer), keeping those before`, () => {
    const early = new EarlyEvents();
    early.hold();
    for (let i = 0; i < EARLY_EVENTS_MAX; i++) assert.equal(early.push(typing(`u${i}`)), true);
    assert.equal(early.push(typing('one too many')), false);
    const held = early.release();
    assert.equal(held.length, EARLY_EVENTS_MAX);
    assert.deepEqual(held[0], typing('u0'));
  });

  it('a refused login drops what was held; hold() again starts empty', () => {
    const early = new EarlyEvents();
    early.hold();
    early.push(typing('before the refusal'));
    early.drop();
    assert.equal(early.holding, false);
    early.hold();
    assert.deepEqual(early.release(), []);
  });
});
