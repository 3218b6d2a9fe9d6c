import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { edit, EMPTY_LINE, entered, lineText, visiblePart, withText, type EditAction, type LineEditor } from '../../../../src/cli/chat/line-editor.js';

const apply = (e: LineEditor, ...actions: EditAction[]): LineEditor => actions.reduce(edit, e);

describe('the input line', () => {
  it('inserts at the cursor, moves, and deletes', () => {
    let e = apply(EMPTY_LINE, { type: 'insert', text: 'helo' }, { type: 'left' }, { type: 'insert', text: 'l' });
    assert.equal(lineText(e), 'hello');
    assert.equal(e.cursor, 4);
    e = apply(e, { type: 'home' }, { type: 'delete-forward' }, { type: 'end' }, { type: 'backspace' });
    assert.equal(lineText(e), 'ell');
    assert.deepEqual(apply(EMPTY_LINE, { type: 'backspace' }, { type: 'left' }), EMPTY_LINE);
  });

  it('deletes a word back and clears to the start', () => {
    const e = withText(EMPTY_LINE, '/msg bob hello  ');
    assert.equal(lineText(edit(e, { type: 'delete-word' })), '/msg bob ');
    assert.equal(lineText(apply(e, { type: 'left' }, { type: 'left' }, { type: 'clear-line' })), '  ');
  });

  it('keeps characters whole (no half surrogate pairs)', () => {
    const e = apply(withText(EMPTY_LINE, 'a😀'), { type: 'backspace' });
    assert.equal(lineText(e), 'a');
  });

  it('recalls earlier lines with Up and Down, and gives back the draft', () => {
    let e = entered(withText(EMPTY_LINE, 'first'));
    e = entered(withText(e, 'second'));
    e = entered(withText(e, 'second')); // a repeat is kept once
    e = entered(withText(e, '   ')); // blanks are not kept
    assert.deepEqual(e.past, ['first', 'second']);
    e = withText(e, 'draft');
    e = edit(e, { type: 'recall-previous' });
    assert.equal(lineText(e), 'second');
    e = apply(e, { type: 'recall-previous' }, { type: 'recall-previous' });
    assert.equal(lineText(e), 'first');
    e = apply(e, { type: 'recall-next' }, { type: 'recall-next' });
    assert.equal(lineText(e), 'draft');
  });

  it('shows the part around the cursor that fits', () => {
    const e = withText(EMPTY_LINE, 'abcdefghij');
    assert.deepEqual(visiblePart(e, 5), { before: 'ghij', at: ' ', after: '' });
    assert.deepEqual(visiblePart(apply(e, { type: 'home' }), 5), { before: '', at: 'a', after: 'bcde' });
  });
});
