// docs/protocol.md §7.17: nickname patterns and address bans, as the core matches them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesAddress, matchesPattern, parseAddressBan, parseNickPattern } from '../../../src/core/ban-masks.js';

describe('ban masks (protocol.md §7.17)', () => {
  it('a pattern matches nicknames by * and ?, case folded, and never everyone', () => {
    const p = parseNickPattern('Troll*')!;
    assert.equal(p, 'troll*');
    for (const nick of ['troll', 'troll42', 'trollface']) assert.ok(matchesPattern(p, nick), nick);
    for (const nick of ['atroll', 'trol', 'tr0ll']) assert.ok(!matchesPattern(p, nick), nick);
    assert.ok(matchesPattern(parseNickPattern('b?b')!, 'bob'));
    assert.ok(!matchesPattern(parseNickPattern('b?b')!, 'boob'));
    assert.ok(matchesPattern(parseNickPattern('*bot*')!, 'spambot9'));
    for (const bad of ['*', '?*?', 'no spaces*', 'x'.repeat(64) + '*', 'plain', 'a/b*']) assert.equal(parseNickPattern(bad), undefined, bad);
  });

  it('a pattern of many stars does not take long on a long nickname', () => {
    assert.ok(!matchesPattern('*a*a*a*a*a*a*a*a*b', 'a'.repeat(32)));
  });

  it('an address ban is an IP or a CIDR block, v4 or v6; a v4-mapped peer counts as its v4', () => {
    assert.equal(parseAddressBan('@192.0.2.7'), '@192.0.2.7/32');
    assert.equal(parseAddressBan('@2001:DB8::/32'), '@2001:db8::/32');
    for (const bad of ['192.0.2.7', '@192.0.2.300', '@192.0.2.0/33', '@::/129', '@host.example', '@1.2.3.4/8/9', '@1.2.3.4/x']) {
      assert.equal(parseAddressBan(bad), undefined, bad);
    }
    const block = parseAddressBan('@198.51.100.0/24')!;
    assert.ok(matchesAddress(block, '198.51.100.77'));
    assert.ok(matchesAddress(block, '::ffff:198.51.100.77'));
    assert.ok(!matchesAddress(block, '198.51.101.1'));
    assert.ok(!matchesAddress(block, undefined));
    const v6 = parseAddressBan('@2001:db8:1::/48')!;
    assert.ok(matchesAddress(v6, '2001:db8:1:ffff::2'));
    assert.ok(!matchesAddress(v6, '2001:db8:2::1'));
    assert.ok(!matchesAddress(v6, '198.51.100.77'), 'v4 and v6 never match each other');
    assert.ok(matchesAddress(parseAddressBan('@127.0.0.1')!, '127.0.0.1'));
  });
});
