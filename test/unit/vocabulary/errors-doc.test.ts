// The error catalogue exists twice: as code (src/core/errors.ts) and as the table of
// docs/protocol.md §11. This test fails as soon as they disagree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, errorName } from '../../../src/vocabulary/errors.js';
import { errorCatalogue } from '../protocol/protocol-doc.js';

describe('protocol.md §11 Error catalogue', () => {
  const documented = errorCatalogue();

  it('lists every code of src/core/errors.ts with the same name, and nothing else', () => {
    const inCode = Object.entries(ErrorCode).map(([name, code]) => `${code} ${name}`).sort();
    const inDoc = documented.map((e) => `${e.code} ${e.name}`).sort();
    assert.deepEqual(inDoc, inCode);
  });

  it('has each code and each name once, in ascending order of code', () => {
    const codes = documented.map((e) => e.code);
    assert.equal(new Set(codes).size, codes.length, 'duplicate code');
    assert.equal(new Set(documented.map((e) => e.name)).size, documented.length, 'duplicate name');
    assert.deepEqual(codes, [...codes].sort((a, b) => a - b));
    for (const e of documented) assert.equal(errorName(e.code), e.name);
  });

  it('gives every error a meaning and a fatal? of yes or no', () => {
    for (const e of documented) {
      assert.ok(e.meaning.length > 10, `${e.name} has no meaning`);
      assert.match(e.fatal, /^(yes|no)$/, `${e.name}: fatal? is "${e.fatal}"`);
    }
  });

  it('marks as fatal exactly the errors after which the connection is closed', () => {
    const fatal = documented.filter((e) => e.fatal === 'yes').map((e) => e.name).sort();
    assert.deepEqual(fatal, ['FRAME_TOO_LARGE', 'HANDSHAKE_REQUIRED', 'KEEPALIVE_TIMEOUT', 'LOGIN_TIMEOUT', 'SHUTTING_DOWN', 'SLOW_CONSUMER', 'TOO_MANY_CONNECTIONS', 'VERSION_MISMATCH']);
  });
});
