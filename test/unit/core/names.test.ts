// The name rule (docs/protocol.md §7.8): keys, invisible characters, reserved names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatError } from '../../../src/core/errors.js';
import { parseRoomName, parseUserName } from '../../../src/core/names.js';
import { isReservedName, nameKey, RESERVED_NAMES } from '../../../src/vocabulary/name-keys.js';

const invalid = (e: unknown): boolean => e instanceof ChatError && e.errorName === 'INVALID_NAME';

describe('protocol.md §7.8 Names', () => {
  it('protocol.md §7.8 one key for case, fullwidth, compatibility and cross-script look-alikes', () => {
    for (const same of ['Alice', 'ALICE', 'ａｌｉｃｅ', '\u0430lice', '\u0410LICE', 'Ａlice', '𝐚lice']) assert.equal(nameKey(same), 'alice', same);
    assert.equal(nameKey('Straße'), nameKey('STRASSE'));
    assert.equal(nameKey('#G\u0435neral'), '#general');
    assert.equal(nameKey('Zoe\u0308'), nameKey('Zoë'));
    assert.notEqual(nameKey('李雷'), nameKey('李'));
  });

  it('protocol.md §7.8 an ASCII name\'s key is its lower case, as before (ASCII look-alikes stay apart)', () => {
    for (const n of ['bob1', 'random', 'm0m', 'Il1', '#Dev-Team_2.0']) assert.equal(nameKey(n), n.toLowerCase());
    assert.notEqual(nameKey('rn'), nameKey('m'));
  });

  it('protocol.md §7.8 refuses invisible characters, even those that are letters by category', () => {
    for (const cp of [0x3164, 0x115f, 0x1160, 0xffa0, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xfe0f, 0x180e, 0xe0041]) {
      const ch = String.fromCodePoint(cp);
      assert.throws(() => parseUserName(`alice${ch}`), invalid, cp.toString(16));
      assert.throws(() => parseUserName(`a${ch}lice`), invalid, cp.toString(16));
      assert.throws(() => parseRoomName(`#general${ch}`), invalid, cp.toString(16));
    }
    assert.throws(() => parseUserName('\u3164'), invalid);
  });

  it('protocol.md §7.8 parses keep the display form and give the key', () => {
    assert.deepEqual(parseUserName('ＡＬＩＣＥ'), { key: 'alice', name: 'ＡＬＩＣＥ' });
    assert.deepEqual(parseRoomName('#Café'), { key: '#café', name: '#Café' });
  });

  it('protocol.md §7.8 reserved names and their look-alikes, ASCII ones included', () => {
    for (const n of RESERVED_NAMES) assert.ok(isReservedName(n), n);
    for (const n of ['Server', 'ADMIN', 'adrnin', '0perator', '\u0455erver', 'ｒｏｏｔ', 'NickServ']) assert.ok(isReservedName(n), n);
    for (const n of ['alice', 'a11', 'all', 'serverx', 'admins', 'op']) assert.ok(!isReservedName(n), n);
  });
});
