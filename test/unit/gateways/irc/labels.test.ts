// labeled-response (docs/irc.md §5.2): a command's replies with its label, as pure text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labeledReplies, splitLines, usableLabel, withTag } from '../../../../src/gateways/irc/labels.js';

describe('labeled-response replies', () => {
  it('none is ACK, one carries the label (escaped), several are a batch', () => {
    assert.equal(labeledReplies([], 'a;b', 'srv', 'l1'), '@label=a\\:b :srv ACK\r\n');
    assert.equal(labeledReplies([':srv PONG srv x'], 'q', 'srv', 'l1'), '@label=q :srv PONG srv x\r\n');
    assert.equal(labeledReplies(['@time=t :srv PONG srv x'], 'q', 'srv', 'l1'), '@label=q;time=t :srv PONG srv x\r\n');
    assert.equal(
      labeledReplies([':srv 353 n = #a :n', ':srv BATCH +c1 chathistory #a', '@batch=c1 :u PRIVMSG #a :hi', ':srv BATCH -c1'], 'q', 'srv', 'l1'),
      '@label=q :srv BATCH +l1 labeled-response\r\n@batch=l1 :srv 353 n = #a :n\r\n@batch=l1 :srv BATCH +c1 chathistory #a\r\n'
        + '@batch=c1 :u PRIVMSG #a :hi\r\n@batch=l1 :srv BATCH -c1\r\n:srv BATCH -l1\r\n',
    );
  });

  it('without batch several replies go unlabeled', () => {
    assert.equal(labeledReplies([':srv A', ':srv B'], 'q', 'srv', undefined), ':srv A\r\n:srv B\r\n');
  });

  it('labels are bounded; lines split', () => {
    assert.ok(usableLabel('x'.repeat(64)));
    assert.ok(!usableLabel('x'.repeat(65)));
    assert.ok(!usableLabel(''));
    assert.ok(!usableLabel(undefined));
    assert.deepEqual(splitLines(':a X\r\n:b Y\r\n'), [':a X', ':b Y']);
    assert.equal(withTag(':a X', 'k', 'v v'), '@k=v\\sv :a X');
  });
});
