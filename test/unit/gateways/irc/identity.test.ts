// docs/irc.md §4.1 and §6.6: USER's username as shown, and WHO's masks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesMask, shownUsername } from '../../../../src/gateways/irc/identity.js';

describe('IRC §4.1 the username shown', () => {
  it('is ~ and its name characters, cut to USERLEN; with none left, the nick\'s', () => {
    assert.equal(shownUsername('myusername', 'nick'), '~myusername');
    assert.equal(shownUsername('averyveryverylong', 'nick'), '~averyveryv');
    assert.equal(shownUsername('we!rd@one', 'nick'), '~werdone');
    assert.equal(shownUsername('😊😊😊', 'coolNick'), '~coolNick');
    assert.equal(shownUsername('@@@', '*'), '~user');
  });
});

describe('IRC §6.6 WHO masks', () => {
  it('* is any characters, ? one, without regard to case; the rest is literal', () => {
    assert.equal(matchesMask('coolni*', 'coolNick'), true);
    assert.equal(matchesMask('*', 'anyone'), true);
    assert.equal(matchesMask('c?olnick', 'COOLNICK'), true);
    assert.equal(matchesMask('c?olnick', 'colnick'), false);
    assert.equal(matchesMask('*ck', 'nick2'), false);
    assert.equal(matchesMask('n.ck', 'nick'), false);
    assert.equal(matchesMask('*a*b', 'xaxaxb'), true);
  });

  it('a mask of many stars against a name that almost matches answers at once', () => {
    const mask = `${'*a'.repeat(200)}*b`;
    const started = process.hrtime.bigint();
    assert.equal(matchesMask(mask, 'a'.repeat(32)), false);
    assert.ok(process.hrtime.bigint() - started < 50_000_000n, 'took 50 ms or more');
  });
});
