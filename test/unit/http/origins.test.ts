import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isOriginEntry, originAllowed } from '../../../src/http/origins.js';

describe('which web origins may open a WebSocket', () => {
  it('lets in clients without an Origin and pages of the server\'s own origin, by Host', () => {
    assert.equal(originAllowed(undefined, '127.0.0.1:8080', []), true);
    assert.equal(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', []), true);
    assert.equal(originAllowed('https://chat.example.com', 'chat.example.com', []), true);
    assert.equal(originAllowed('http://Chat.Example.com:8080', 'CHAT.example.com:8080', []), true);
    assert.equal(originAllowed('http://[::1]:8080', '[::1]:8080', []), true);
  });

  it('refuses other origins, opaque ones and odd schemes unless listed', () => {
    assert.equal(originAllowed('http://127.0.0.1:8081', '127.0.0.1:8080', []), false);
    assert.equal(originAllowed('https://evil.example', '127.0.0.1:8080', []), false);
    assert.equal(originAllowed('null', '127.0.0.1:8080', []), false);
    assert.equal(originAllowed('file://', '127.0.0.1:8080', []), false);
    assert.equal(originAllowed('http://127.0.0.1:8080', undefined, []), false);
    assert.equal(originAllowed('https://chat.example.com', '127.0.0.1:8080', ['https://chat.example.com']), true);
    assert.equal(originAllowed('https://chat.example.com:444', '127.0.0.1:8080', ['https://chat.example.com']), false);
    assert.equal(originAllowed('null', '127.0.0.1:8080', ['*']), true);
  });

  it('accepts configured entries written as browsers write origins, or *', () => {
    for (const ok of ['*', 'https://chat.example.com', 'http://localhost:5173', 'http://[::1]:8080']) assert.equal(isOriginEntry(ok), true, ok);
    for (const bad of ['', 'chat.example.com', 'https://chat.example.com/', 'https://chat.example.com/path', 'HTTPS://chat.example.com', 'ftp://x.example', 'https://u:p@x.example', '**']) {
      assert.equal(isOriginEntry(bad), false, bad);
    }
  });
});
