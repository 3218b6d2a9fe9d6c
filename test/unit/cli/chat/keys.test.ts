import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyActions, textActions } from '../../../../src/cli/chat/keys.js';

describe('keyActions', () => {
  it('maps the special keys', () => {
    assert.deepEqual(keyActions('', { return: true }), [{ type: 'submit' }]);
    assert.deepEqual(keyActions('', { pageUp: true }), [{ type: 'page-up' }]);
    assert.deepEqual(keyActions('', { pageDown: true }), [{ type: 'page-down' }]);
    assert.deepEqual(keyActions('', { upArrow: true }), [{ type: 'recall-previous' }]);
    assert.deepEqual(keyActions('', { delete: true }), [{ type: 'backspace' }]);
    assert.deepEqual(keyActions('', { escape: true, meta: true }), [{ type: 'escape' }]);
    assert.deepEqual(keyActions('', { tab: true }), [{ type: 'tab' }]);
  });

  it('maps Ctrl and Alt keys: conversations, the member list, quitting', () => {
    assert.deepEqual(keyActions('n', { ctrl: true }), [{ type: 'next-conversation' }]);
    assert.deepEqual(keyActions('p', { ctrl: true }), [{ type: 'previous-conversation' }]);
    assert.deepEqual(keyActions('t', { ctrl: true }), [{ type: 'toggle-members' }]);
    assert.deepEqual(keyActions('c', { ctrl: true }), [{ type: 'quit' }]);
    assert.deepEqual(keyActions('d', { ctrl: true }), [{ type: 'end-of-input' }]);
    assert.deepEqual(keyActions('3', { meta: true }), [{ type: 'open-conversation', number: 3 }]);
    assert.deepEqual(keyActions('0', { meta: true }), []);
    assert.deepEqual(keyActions('z', { ctrl: true }), []);
  });

  it('inserts typed text', () => {
    assert.deepEqual(keyActions('héllo wörld', {}), [{ type: 'insert', text: 'héllo wörld' }]);
  });

  it('splits Enter, Backspace and control characters out of text that came in one chunk', () => {
    assert.deepEqual(textActions('hi\r/quit\r'), [
      { type: 'insert', text: 'hi' },
      { type: 'submit' },
      { type: 'insert', text: '/quit' },
      { type: 'submit' },
    ]);
    assert.deepEqual(textActions('ab\u007fc\u000en'), [
      { type: 'insert', text: 'ab' },
      { type: 'backspace' },
      { type: 'insert', text: 'c' },
      { type: 'next-conversation' },
      { type: 'insert', text: 'n' },
    ]);
    // A tab becomes a space; other controls with no meaning are dropped.
    assert.deepEqual(textActions('a\tb\u0007'), [{ type: 'insert', text: 'a b' }]);
  });
});
