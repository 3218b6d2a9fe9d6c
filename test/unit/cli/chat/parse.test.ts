import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstWord, parseLine, parseRecipients, roomName, splitWords, UsageError } from '../../../../src/cli/chat/parse.js';

describe('parseLine', () => {
  it('reads a slash command with its argument text', () => {
    assert.deepEqual(parseLine('/join #rust'), { kind: 'command', name: 'join', args: '#rust' });
    assert.deepEqual(parseLine('/MSG bob,carol  hi   there  '), { kind: 'command', name: 'msg', args: 'bob,carol  hi   there' });
    assert.deepEqual(parseLine('/quit'), { kind: 'command', name: 'quit', args: '' });
    assert.deepEqual(parseLine('/'), { kind: 'command', name: '', args: '' });
  });

  it('reads anything else as a message, // as a message starting with /', () => {
    assert.deepEqual(parseLine('hello /join'), { kind: 'say', text: 'hello /join' });
    assert.deepEqual(parseLine('//join is a command'), { kind: 'say', text: '/join is a command' });
    assert.deepEqual(parseLine('  indented'), { kind: 'say', text: '  indented' });
  });

  it('reads a blank line as nothing', () => {
    assert.deepEqual(parseLine(''), { kind: 'empty' });
    assert.deepEqual(parseLine('   '), { kind: 'empty' });
  });
});

describe('argument helpers', () => {
  it('splits words at spaces, keeping quoted spaces and backslashed characters', () => {
    assert.deepEqual(splitWords('  a  b c '), ['a', 'b', 'c']);
    assert.deepEqual(splitWords('"my file.txt" bob'), ['my file.txt', 'bob']);
    assert.deepEqual(splitWords('my\\ file.txt ""'), ['my file.txt', '']);
    assert.deepEqual(splitWords(''), []);
    assert.throws(() => splitWords('"open'), UsageError);
  });

  it('takes the first word and keeps the rest as typed', () => {
    assert.deepEqual(firstWord(' bob,carol  hi  there'), ['bob,carol', 'hi  there']);
    assert.deepEqual(firstWord('bob'), ['bob', '']);
    assert.deepEqual(firstWord(''), ['', '']);
  });

  it('reads recipients separated by commas, dropping blanks and repeats', () => {
    assert.deepEqual(parseRecipients('bob,carol'), ['bob', 'carol']);
    assert.deepEqual(parseRecipients('bob, ,Bob,carol,'), ['bob', 'carol']);
    assert.deepEqual(parseRecipients(','), []);
  });

  it('adds the # of a room name when it is left out', () => {
    assert.equal(roomName('general'), '#general');
    assert.equal(roomName('#general'), '#general');
  });
});
