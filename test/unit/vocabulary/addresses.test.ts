// What counts as one client address, for the connection limits and the login throttles alike.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey } from '../../../src/vocabulary/addresses.js';

describe('per-address limits: one address', () => {
  it('protocol.md §9.5 and §13.2: an IPv4 address as itself, IPv4-mapped too, and IPv6 by its /64', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff::1%eth0'), '2001:db8:1:2::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'));
  });
});
