import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostAllowed, isHostEntry } from '../../../src/http/hosts.js';

describe('protocol.md §13.1 which names a browser may reach the server by', () => {
  it('always: IP addresses, localhost and names under .localhost, with or without a port', () => {
    for (const h of ['127.0.0.1', '127.0.0.1:8080', '192.168.1.20:8080', '[::1]:8080', '[2001:db8::1]', 'localhost', 'LOCALHOST:8080', 'app.localhost', 'localhost.']) {
      assert.equal(hostAllowed(h, []), true, h);
    }
  });

  it('the name the server binds to, and configured names (.name: it and every name under it; * any)', () => {
    assert.equal(hostAllowed('chat.internal:8080', [], 'chat.internal'), true);
    assert.equal(hostAllowed('chat.example.com', ['chat.example.com']), true);
    assert.equal(hostAllowed('www.chat.example.com', ['chat.example.com']), false);
    assert.equal(hostAllowed('example.org', ['.example.org']), true);
    assert.equal(hostAllowed('a.b.example.org:443', ['.example.org']), true);
    assert.equal(hostAllowed('badexample.org', ['.example.org']), false);
    assert.equal(hostAllowed('anything.example', ['*']), true);
  });

  it('never: other names, a missing Host, or one that is not a host', () => {
    for (const h of [undefined, '', 'attacker.example', 'localhost.attacker.example', '127.0.0.1.attacker.example', 'user@127.0.0.1', '127.0.0.1/x', '127.0.0.1?x']) {
      assert.equal(hostAllowed(h, ['chat.example.com'], '0.0.0.0'), false, String(h));
    }
  });

  it('accepts entries that are host names, .names or *', () => {
    for (const ok of ['*', 'chat.example.com', '.example.org', 'confab.test', 'xn--bcher-kva.example']) assert.equal(isHostEntry(ok), true, ok);
    for (const bad of ['', '.', 'https://chat.example.com', 'chat.example.com:8080', '10.0.0.5', 'CHAT.example.com', 'a..b', '-a.example', '**']) {
      assert.equal(isHostEntry(bad), false, bad);
    }
  });
});
