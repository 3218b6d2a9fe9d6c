// The native protocol v1 codec against docs/protocol.md. Each describe names the section it checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import {
  DM_POLICIES,
  encodeFrame,
  encodeFrames,
  FrameDecoder,
  HEADER_BYTES,
  MAX_BODY,
  PRESENCE_EVENTS,
  type Decoded,
} from '../../../src/protocol/codec.js';
import {
  CAPABILITIES,
  FrameType,
  Limits,
  type Frame,
  type FrameOf,
  type FrameTypeName,
  type WireFile,
  type WireMessage,
  type WireState,
} from '../../../src/protocol/frames.js';
import { bodies } from '../../../src/protocol/schema.js';
import { earlierRevisions } from './revisions.js';
import { errorCatalogue, exampleBytes, headingIndex, repoRoot, sectionLines, table } from './protocol-doc.js';

// ---- helpers ----

const hex = (s: string): Uint8Array => Uint8Array.from((s.match(/[0-9a-f]{2}/g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A frame with an explicit body (for malformed input). */
function rawFrame(type: number, body: Uint8Array | number[], flags = 0): Uint8Array {
  const b = body instanceof Uint8Array ? body : Uint8Array.from(body);
  return concat([Uint8Array.from([type, flags, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff]), b]);
}

function decodeAll(bytes: Uint8Array, maxFrame?: number): Decoded[] {
  return new FrameDecoder(maxFrame === undefined ? {} : { maxFrame }).push(bytes);
}

function onlyFrame(bytes: Uint8Array): Frame {
  const items = decodeAll(bytes);
  assert.equal(items.length, 1, `expected one item, got ${JSON.stringify(items)}`);
  const [item] = items;
  assert.equal(item.kind, 'frame', JSON.stringify(item));
  return (item as Extract<Decoded, { kind: 'frame' }>).frame;
}

function onlyError(bytes: Uint8Array): Extract<Decoded, { kind: 'error' }> {
  const items = decodeAll(bytes);
  assert.equal(items.length, 1, `expected one item, got ${JSON.stringify(items)}`);
  const [item] = items;
  assert.equal(item.kind, 'error', JSON.stringify(item));
  return item as Extract<Decoded, { kind: 'error' }>;
}

const msgA: WireMessage = { id: 6963200000000001, at: 1700000000000, from: 'alice', to: ['#general'], text: 'hi', cid: 'c1' };
const fileA: WireFile = { message: 6963200000000001, id: '0'.repeat(32), name: 'café.png', size: 20_000_000, type: 'image/png', sha256: 'ab'.repeat(32) };
const stateA: WireState = {
  message: 6963200000000001, replyTo: 42, edited: 1700000000500, deleted: 0, deletedBy: '',
  reactions: [{ emoji: '👍', count: 12, users: ['Zoë', 'bob'] }, { emoji: '👨‍👩‍👧', count: 1, users: ['李雷'] }],
};
const msgB: WireMessage = { id: 42, at: 0, from: 'Zoë', to: ['#général', 'bob', '李雷'], text: 'ça va? 👋🏽', cid: '' };

/** One frame of every type, with values that exercise each field. */
const samples: { [N in FrameTypeName]: FrameOf<N> } = {
  HELLO: { type: 'HELLO', versions: [1, 2, 300], caps: ['resume', 'x-new'], agent: 'confab-test/1.0' },
  WELCOME: { type: 'WELCOME', version: 1, caps: ['resume'], server: 'confab', maxFrame: 65536, heartbeatMs: 25000 },
  ERROR: { type: 'ERROR', ref: 9, code: ErrorCode.VERSION_MISMATCH, text: 'no common version', versions: [1], retryMs: 1500 },
  PING: { type: 'PING', n: 12345 },
  PONG: { type: 'PONG', n: 0 },
  BYE: { type: 'BYE', code: ErrorCode.SHUTTING_DOWN, text: 'bye now' },
  REGISTER: { type: 'REGISTER', ref: 1, name: 'Alice', password: 'pässwörd' },
  LOGIN: { type: 'LOGIN', ref: 2, name: 'alice', password: 'pw', guest: true, token: 'tok.en', since: Number.MAX_SAFE_INTEGER },
  SESSION: { type: 'SESSION', ref: 2, name: 'Alice', guest: false, token: 'abc.def', resumed: true, rooms: ['#general', '#Dev'] },
  OK: { type: 'OK', ref: 77 },
  CREATE: { type: 'CREATE', ref: 3, room: '#dev', topic: 'Dev talk' },
  JOIN: { type: 'JOIN', ref: 4, room: '#general', key: 'open sesame' },
  JOINED: {
    type: 'JOINED',
    ref: 4,
    room: '#general',
    topic: '',
    members: [{ name: 'alice', online: true, operator: false }, { name: 'Bob', online: false, operator: true }],
    history: [msgA, msgB],
    files: [fileA],
    states: [stateA, { message: 42, replyTo: 0, edited: 0, deleted: 1700000000900, deletedBy: 'alice', reactions: [] }],
  },
  LEAVE: { type: 'LEAVE', ref: 5, room: '#dev' },
  ROOMS: { type: 'ROOMS', ref: 6, after: '#dev', limit: 200 },
  ROOM_LIST: { type: 'ROOM_LIST', ref: 6, rooms: [{ name: '#general', topic: 'General discussion', members: 1000 }, { name: '#x', topic: '', members: 0 }], next: '#x' },
  MEMBERS: { type: 'MEMBERS', ref: 7, room: '#dev' },
  MEMBER_LIST: { type: 'MEMBER_LIST', ref: 7, room: '#dev', members: [{ name: 'carol', online: true, operator: true }], voiced: ['carol'] },
  TOPIC: { type: 'TOPIC', ref: 0, room: '#dev', topic: 'new topic', by: 'alice' },
  KICK: { type: 'KICK', ref: 0, room: '#dev', user: 'mallory', reason: 'spam', by: 'alice' },
  BAN: { type: 'BAN', ref: 12, room: '#dev', user: 'mallory', reason: '' },
  SUSPEND: { type: 'SUSPEND', ref: 14, user: 'mallory', reason: 'abuse', suspended: true },
  NICK: { type: 'NICK', ref: 15, user: 'guest1', name: 'guest2', token: 'tok' },
  BLOCK: { type: 'BLOCK', ref: 15, user: 'mallory', blocked: true },
  READ: { type: 'READ', ref: 16, with: '#dev', id: 6963200000000001 },
  UNREADS: { type: 'UNREADS', ref: 17, limit: 50 },
  UNREAD_LIST: { type: 'UNREAD_LIST', ref: 17, unreads: [{ with: '#dev', read: 6963200000000001, unread: 3, mentions: 1 }, { with: 'bob', read: 0, unread: 999, mentions: 0 }] },
  SEARCH: { type: 'SEARCH', ref: 18, query: 'deploy notes', before: 0, limit: 20 },
  UNBAN: { type: 'UNBAN', ref: 13, room: '#dev', user: 'mallory' },
  ROLE: { type: 'ROLE', ref: 0, room: '#dev', user: 'carol', role: 'voiced', by: 'alice' },
  SETTINGS: {
    type: 'SETTINGS', ref: 15, room: '#dev', inviteOnly: true, keyed: true, key: 'sésame', limit: 50, moderated: true,
    secret: false, topicLocked: true, membersOnly: false, closed: false, by: '',
  },
  INVITE: { type: 'INVITE', ref: 16, room: '#dev', user: 'Zoë', by: '' },
  MUTE: { type: 'MUTE', ref: 0, room: '#dev', user: 'mallory', seconds: 2_592_000, reason: 'flood', by: 'alice' },
  BANS: { type: 'BANS', ref: 17, room: '#dev' },
  BAN_LIST: { type: 'BAN_LIST', ref: 17, room: '#dev', bans: [{ target: 'troll*', by: 'alice', reason: '', at: 1700000000000 }, { target: '@2001:db8::/32', by: 'Zoë', reason: 'spam', at: 1 }] },
  CLOSE: { type: 'CLOSE', ref: 18, room: '#dev', closed: true, reason: 'abandoned' },
  AUDIT: { type: 'AUDIT', ref: 19, room: '', before: 6963200000000001, limit: 200 },
  AUDIT_LOG: { type: 'AUDIT_LOG', ref: 19, records: [{ id: 7, at: 1700000000000, actor: 'ada', action: 'close', room: '#dev', target: '', detail: 'abandoned' }] },
  GET_SETTINGS: { type: 'GET_SETTINGS', ref: 20, room: '#dev' },
  SEND: { type: 'SEND', ref: 8, cid: 'cid-1', to: ['#general', 'bob'], text: 'hello', files: ['0'.repeat(32)], replyTo: 6963200000000001 },
  ACK: { type: 'ACK', ref: 8, cid: 'cid-1', id: 6963200000000001, at: 1700000000000 },
  MSG: { type: 'MSG', msg: msgA, files: [fileA], safe: 6963200000000001, states: [stateA] },
  HISTORY: { type: 'HISTORY', ref: 10, with: '#general', before: 6963200000000001, after: 0, limit: 100 },
  MESSAGES: { type: 'MESSAGES', ref: 10, with: 'bob', messages: [msgA, msgB], more: true, files: [], states: [stateA] },
  PRESENCE: { type: 'PRESENCE', room: '', user: 'alice', event: 'online' },
  GAP: { type: 'GAP', since: 1, until: 6963200000000001 },
  TYPING: { type: 'TYPING', to: '#general', user: 'Zoë' },
  DIRECTS: { type: 'DIRECTS', ref: 19, limit: 50 },
  EDIT: { type: 'EDIT', ref: 0, id: 6963200000000001, text: 'hi, edited ✏️', by: 'alice', at: 1700000000500 },
  DELETE: { type: 'DELETE', ref: 20, id: 42, by: '', at: 0 },
  REACT: { type: 'REACT', ref: 0, id: 42, emoji: '🎉', on: true, user: 'Zoë' },
  SET_POLICY: { type: 'SET_POLICY', ref: 11, policy: 'consent' },
  CONSENT_ASK: { type: 'CONSENT_ASK', ref: 0, user: 'bob' },
  CONSENT: { type: 'CONSENT', ref: 12, user: 'bob', accept: false },
  FILE_OFFER: { type: 'FILE_OFFER', ref: 13, name: 'café.png', size: 20_000_000, mediaType: 'image/png', sha256: 'ab'.repeat(32) },
  FILE_TICKET: { type: 'FILE_TICKET', ref: 13, ticket: 'f'.repeat(32), file: '0'.repeat(32), chunk: 32768, window: 262144 },
  FILE_PUT: { type: 'FILE_PUT', ticket: 'f'.repeat(32), offset: 32768, last: false, data: Uint8Array.from([0, 1, 2, 255]) },
  FILE_PROGRESS: { type: 'FILE_PROGRESS', ref: 13, received: 131072 },
  FILE_STORED: { type: 'FILE_STORED', ref: 13, file: fileA },
  FILE_GET: { type: 'FILE_GET', ref: 14, file: '0'.repeat(32), offset: 0 },
  FILE_DATA: { type: 'FILE_DATA', ref: 14, offset: 0, last: true, data: new Uint8Array(0) },
};
const allSamples = Object.values(samples) as Frame[];


const typeNames = Object.keys(FrameType) as FrameTypeName[];

// ---- tests ----

describe('protocol.md §3.2 Frame header', () => {
  it('is [type u8][flags 0][body length u24 big-endian], then the body', () => {
    const text = 'x'.repeat(0x1234);
    const bytes = encodeFrame({ type: 'SEND', ref: 1, cid: '', to: [], text });
    const body = bytes.length - HEADER_BYTES;
    assert.deepEqual([...bytes.subarray(0, HEADER_BYTES)], [0x30, 0x00, (body >>> 16) & 0xff, (body >>> 8) & 0xff, body & 0xff]);
    assert.equal(body, 1 + 1 + 1 + 2 + 0x1234); // ref, cid, to, text length (2-byte varint), text
    assert.equal(bytes[2], 0x00);
    assert.equal(bytes[3], 0x12);
  });

  it('uses all three length bytes for a body over 64 KiB', () => {
    const bytes = encodeFrame({ type: 'SEND', ref: 1, cid: '', to: [], text: 'y'.repeat(70_000) });
    const body = bytes.length - HEADER_BYTES;
    assert.equal((bytes[2] << 16) | (bytes[3] << 8) | bytes[4], body);
    assert.equal(bytes[2], 0x01);
    const items = decodeAll(bytes, MAX_BODY);
    assert.deepEqual(items, [{ kind: 'frame', frame: { type: 'SEND', ref: 1, cid: '', to: [], text: 'y'.repeat(70_000) } }]);
  });

  it('ignores the flags byte on receipt', () => {
    const bytes = encodeFrame(samples.SEND);
    for (const flags of [0x01, 0x80, 0xff]) {
      const flagged = Uint8Array.from(bytes);
      flagged[1] = flags;
      assert.deepEqual(onlyFrame(flagged), samples.SEND);
    }
  });

  it('accepts a body of exactly maxFrame bytes', () => {
    const frame = rawFrame(0x04, [0x05, ...new Array(95).fill(0)]); // PING n=5 + 95 trailing bytes
    assert.deepEqual(new FrameDecoder({ maxFrame: 96 }).push(frame), [{ kind: 'frame', frame: { type: 'PING', n: 5 } }]);
  });

  it('reports a body over maxFrame as fatal FRAME_TOO_LARGE from the header alone, then stops', () => {
    const d = new FrameDecoder({ maxFrame: 100 });
    const good = encodeFrame(samples.PING);
    const items = d.push(concat([good, Uint8Array.from([0x30, 0x00, 0x00, 0x00, 101])]));
    assert.equal(items.length, 2);
    assert.deepEqual(items[0], { kind: 'frame', frame: samples.PING });
    assert.equal(items[1].kind, 'error');
    const e = items[1] as Extract<Decoded, { kind: 'error' }>;
    assert.deepEqual([e.code, e.fatal, e.ref], [ErrorCode.FRAME_TOO_LARGE, true, 0]);
    assert.equal(d.stopped, true);
    assert.deepEqual(d.push(good), [], 'nothing is decoded after a fatal error');
  });

  it('defaults maxFrame to Limits.MAX_FRAME and detects an oversized header split across pushes', () => {
    const d = new FrameDecoder();
    assert.deepEqual(d.push(Uint8Array.from([0x21, 0x00])), []);
    assert.deepEqual(d.push(Uint8Array.from([0x01, 0x00])), []);
    const items = d.push(Uint8Array.from([0x01, 0xaa, 0xbb])); // length 0x010001 = 65537
    assert.equal(items.length, 1);
    assert.equal(items[0].kind === 'error' && items[0].code, ErrorCode.FRAME_TOO_LARGE);
    const atLimit = rawFrame(0x04, [0x01, ...new Array(Limits.MAX_FRAME - 1).fill(0)]);
    assert.deepEqual(decodeAll(atLimit), [{ kind: 'frame', frame: { type: 'PING', n: 1 } }]);
  });

  it('rejects a maxFrame that is not a non-negative integer', () => {
    assert.throws(() => new FrameDecoder({ maxFrame: -1 }), RangeError);
    assert.throws(() => new FrameDecoder({ maxFrame: 1.5 }), RangeError);
  });
});

describe('protocol.md §3.3.1 Integers (varint)', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '80 01'],
    [300, 'ac 02'],
    [16383, 'ff 7f'],
    [16384, '80 80 01'],
    [2 ** 31 - 1, 'ff ff ff ff 07'],
    [2 ** 31, '80 80 80 80 08'],
    [2 ** 32, '80 80 80 80 10'],
    [2 ** 49, '80 80 80 80 80 80 80 01'],
    [Number.MAX_SAFE_INTEGER, 'ff ff ff ff ff ff ff 0f'],
  ];
  for (const [n, bytes] of cases) {
    it(`encodes ${n} as ${bytes} and back`, () => {
      const encoded = encodeFrame({ type: 'PING', n });
      assert.equal(toHex(encoded.subarray(HEADER_BYTES)), bytes);
      assert.deepEqual(onlyFrame(encoded), { type: 'PING', n });
    });
  }

  it('refuses to encode negative, fractional, unsafe and non-numeric values', () => {
    for (const n of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) {
      assert.throws(() => encodeFrame({ type: 'PING', n }), /PING\.n/);
    }
    assert.throws(() => encodeFrame({ type: 'PING', n: '1' as unknown as number }), /PING\.n/);
  });

  it('rejects an 8th byte above 0f (over 2^53 - 1 or longer than 8 bytes) with PROTOCOL_ERROR', () => {
    for (const body of ['80 80 80 80 80 80 80 10', 'ff ff ff ff ff ff ff 80 01', 'ff ff ff ff ff ff ff ff ff 01']) {
      const e = onlyError(rawFrame(0x04, hex(body)));
      assert.deepEqual([e.code, e.fatal], [ErrorCode.PROTOCOL_ERROR, false], body);
    }
  });

  it('rejects a non-minimal varint with PROTOCOL_ERROR', () => {
    for (const body of ['80 00', '81 80 00', 'ff 80 80 80 80 80 80 00']) {
      assert.equal(onlyError(rawFrame(0x04, hex(body))).code, ErrorCode.PROTOCOL_ERROR, body);
    }
  });

  it('rejects a varint cut off by the end of the body', () => {
    assert.equal(onlyError(rawFrame(0x04, hex('80 80'))).code, ErrorCode.PROTOCOL_ERROR);
  });

  it('matches the examples of the section', () => {
    const text = sectionLines(/^3\.3\.1\. /).join('\n');
    assert.match(text, /value 300 = 0b10_0101100 {2}-> {2}ac 02/);
    assert.match(text, /value 2\^53 - 1 +-> {2}ff ff ff ff ff ff ff 0f/);
  });
});

describe('protocol.md §3.3.2 Strings', () => {
  const roundTrip = (s: string): string => {
    const f = onlyFrame(encodeFrame({ type: 'JOIN', ref: 1, room: s }));
    return (f as FrameOf<'JOIN'>).room;
  };

  it('is a varint byte length then UTF-8', () => {
    assert.equal(toHex(encodeFrame({ type: 'JOIN', ref: 1, room: 'héllo' }).subarray(HEADER_BYTES)), '01 06 68 c3 a9 6c 6c 6f');
    assert.equal(toHex(encodeFrame({ type: 'JOIN', ref: 1, room: '' }).subarray(HEADER_BYTES)), '01 00');
  });

  it('round-trips ASCII, multi-byte and astral text of every length around the prefix boundaries', () => {
    for (const unit of ['a', 'é', '€', '😀']) {
      for (const n of [0, 1, 12, 13, 14, 20, 42, 43, 44, 63, 64, 127, 128, 129, 5000]) {
        const s = unit.repeat(n);
        assert.equal(roundTrip(s), s, `${n} x ${unit}`);
        const bytes = encodeFrame({ type: 'JOIN', ref: 1, room: s });
        const utf8 = new TextEncoder().encode(s).length;
        const prefix = utf8 < 128 ? 1 : utf8 < 16384 ? 2 : 3;
        assert.equal(bytes.length, HEADER_BYTES + 1 + prefix + utf8, `${n} x ${unit}: minimal prefix`);
      }
    }
    assert.equal(roundTrip('mixed ascii then ünïcödé after the fast path'), 'mixed ascii then ünïcödé after the fast path');
  });

  it('keeps a leading byte-order mark', () => {
    assert.equal(roundTrip('\uFEFFbom'), '\uFEFFbom');
    assert.deepEqual([...encodeFrame({ type: 'JOIN', ref: 1, room: '\uFEFF' }).subarray(HEADER_BYTES + 1)], [3, 0xef, 0xbb, 0xbf]);
  });

  it('sends a lone surrogate as U+FFFD, so the wire is always UTF-8', () => {
    assert.equal(roundTrip('a\uD800b'), 'a\uFFFDb');
  });

  it('answers invalid UTF-8 with INVALID_UTF8 (not fatal, ref quoted) and decodes the next frame', () => {
    const invalid = ['c3 28', 'c0 af', 'e0 80 af', 'ed a0 80', 'f4 90 80 80', 'e2 82', 'ff', '80', 'f8 88 80 80 80'];
    for (const seq of invalid) {
      const bytes = hex(seq);
      const bad = rawFrame(0x21, [0x07, bytes.length, ...bytes]);
      const items = decodeAll(concat([bad, encodeFrame(samples.JOIN)]));
      assert.equal(items.length, 2, seq);
      assert.deepEqual(items[0], { kind: 'error', code: ErrorCode.INVALID_UTF8, text: (items[0] as { text: string }).text, fatal: false, ref: 7 }, seq);
      assert.deepEqual(items[1], { kind: 'frame', frame: samples.JOIN });
    }
    // Long strings take the TextDecoder path: validated too.
    const long = concat([new TextEncoder().encode('x'.repeat(100)), hex('c3 28')]);
    assert.equal(onlyError(rawFrame(0x21, [0x07, 0x66, ...long])).code, ErrorCode.INVALID_UTF8);
  });

  it('rejects a length beyond the end of the body with PROTOCOL_ERROR', () => {
    const e = onlyError(rawFrame(0x21, [0x07, 0x05, 0x61, 0x62]));
    assert.deepEqual([e.code, e.ref, e.fatal], [ErrorCode.PROTOCOL_ERROR, 7, false]);
  });

  it('refuses to encode a non-string', () => {
    assert.throws(() => encodeFrame({ type: 'JOIN', ref: 1, room: 5 as unknown as string }), /JOIN\.room/);
  });
});

describe('protocol.md §3.3.3 Booleans', () => {
  it('is 00 or 01; anything else is PROTOCOL_ERROR', () => {
    const ok = encodeFrame(samples.CONSENT); // ... accept = false, the last byte
    assert.equal(ok[ok.length - 1], 0x00);
    const yes = encodeFrame({ ...samples.CONSENT, accept: true });
    assert.equal(yes[yes.length - 1], 0x01);
    for (const b of [0x02, 0x80, 0xff]) {
      const bad = Uint8Array.from(ok);
      bad[bad.length - 1] = b;
      const e = onlyError(bad);
      assert.deepEqual([e.code, e.ref], [ErrorCode.PROTOCOL_ERROR, samples.CONSENT.ref]);
    }
  });

  it('refuses to encode a non-boolean', () => {
    assert.throws(() => encodeFrame({ ...samples.CONSENT, accept: 1 as unknown as boolean }), /CONSENT\.accept/);
  });
});

describe('protocol.md §3.3.4 Lists', () => {
  it('is a varint count then the items', () => {
    const bytes = encodeFrame({ type: 'SEND', ref: 1, cid: '', to: ['a', 'bc'], text: '' });
    assert.equal(toHex(bytes.subarray(HEADER_BYTES)), '01 00 02 01 61 02 62 63 00');
  });

  it('rejects a count that cannot fit in the rest of the body, before allocating', () => {
    // SEND ref 9, cid "", to: count 2^53 - 1 with two bytes left.
    const e = onlyError(rawFrame(0x30, hex('09 00 ff ff ff ff ff ff ff 0f 61 62')));
    assert.deepEqual([e.code, e.ref, e.fatal], [ErrorCode.PROTOCOL_ERROR, 9, false]);
    assert.match(e.text, /SEND\.to/);
  });

  it('counts structures at their minimum size (WireMessage: 6 bytes)', () => {
    // MESSAGES ref 1, with "", 2 messages in 11 bytes: 2 x 6 > 11.
    const e = onlyError(rawFrame(0x34, [0x01, 0x00, 0x02, ...new Array(11).fill(0)]));
    assert.equal(e.code, ErrorCode.PROTOCOL_ERROR);
    assert.match(e.text, /list of 2 items/);
  });

  it('decodes empty lists', () => {
    const f: Frame = { type: 'JOINED', ref: 1, room: '#r', topic: '', members: [], history: [] };
    assert.deepEqual(onlyFrame(encodeFrame(f)), f);
  });
});

describe('protocol.md §3.3.6 Enumerations', () => {
  it('maps the values to the codes of the section tables', () => {
    const presence = table(sectionLines(/^3\.3\.6\. /), 0).rows.map(([code, value]) => [Number(code), value]);
    const policy = table(sectionLines(/^3\.3\.6\. /), 1).rows.map(([code, value]) => [Number(code), value]);
    assert.deepEqual(presence, PRESENCE_EVENTS.map((v, i) => [i, v]));
    assert.deepEqual(policy, DM_POLICIES.map((v, i) => [i, v]));
    for (const [code, event] of PRESENCE_EVENTS.entries()) {
      const bytes = encodeFrame({ type: 'PRESENCE', room: '', user: 'u', event });
      assert.equal(bytes[bytes.length - 1], code);
    }
    for (const [code, policy] of DM_POLICIES.entries()) {
      const bytes = encodeFrame({ type: 'SET_POLICY', ref: 1, policy });
      assert.equal(bytes[bytes.length - 1], code);
    }
  });

  it('rejects an unknown code with PROTOCOL_ERROR', () => {
    assert.equal(onlyError(rawFrame(0x35, [0x00, 0x01, 0x75, 0x04])).code, ErrorCode.PROTOCOL_ERROR);
    const e = onlyError(rawFrame(0x40, [0x05, 0x02]));
    assert.deepEqual([e.code, e.ref], [ErrorCode.PROTOCOL_ERROR, 5]);
  });

  it('refuses to encode an unknown value', () => {
    assert.throws(() => encodeFrame({ type: 'PRESENCE', room: '', user: 'u', event: 'away' as 'join' }), /PRESENCE\.event/);
    assert.throws(() => encodeFrame({ type: 'SET_POLICY', ref: 1, policy: 'closed' as 'open' }), /SET_POLICY\.policy/);
  });
});

describe('protocol.md §4 Frames', () => {
  it('§4.1 the registry lists every frame type with its code, and nothing else', () => {
    const { rows } = table(sectionLines(/^4\.1\. Frame type registry$/));
    assert.deepEqual(
      rows.map(([code, name]) => [name, Number(code)]).sort(),
      Object.entries(FrameType).sort(),
    );
  });

  it('§4.2-4.6 documents every body field by field, in the order and encoding the codec uses', () => {
    for (const name of typeNames) {
      const code = `0x${FrameType[name].toString(16).padStart(2, '0')}`;
      const lines = sectionLines(new RegExp(`^4\\.\\d\\.\\d+\\. ${name} \\(${code}\\)$`));
      const documented = table(lines).rows.map(([n, field, encoding]) => [Number(n), field, encoding]);
      const fields = bodies[name] as readonly (readonly [string, { wire: string }])[];
      assert.deepEqual(documented, fields.map(([field, kind], i) => [i + 1, field, kind.wire]), name);
      const direction = table(sectionLines(/^4\.1\. /)).rows.find((r) => r[1] === name)?.[2];
      assert.ok(lines.includes(`Direction: ${direction}.`) || lines.some((l) => l.startsWith(`Direction: ${direction}.`)), `${name} direction`);
    }
  });

  it('§3.4 documents the structures field by field', () => {
    const lines = sectionLines(/^3\.4\. Structures$/);
    const structs = [['WireMessage', 0], ['WireMember', 1], ['WireRoom', 2]] as const;
    const msgs = bodies.MSG[0][1];
    const members = bodies.JOINED[3][1];
    const rooms = bodies.ROOM_LIST[1][1];
    assert.deepEqual([msgs.wire, members.wire, rooms.wire], ['WireMessage', 'list<WireMember>', 'list<WireRoom>']);
    for (const [name, index] of structs) {
      const rows = table(lines, index).rows.map(([, field, encoding]) => `${field}:${encoding}`);
      assert.ok(lines.some((l) => l.startsWith(`\`${name}\``)), name);
      const expected: Record<string, string[]> = {
        WireMessage: ['id:varint', 'at:varint', 'from:string', 'to:list<string>', 'text:string', 'cid:string'],
        WireMember: ['name:string', 'online:bool', 'operator:bool'],
        WireRoom: ['name:string', 'topic:string', 'members:varint'],
      };
      assert.deepEqual(rows, expected[name]);
    }
    // The structures encode in that order: a WireRoom is name, topic, members.
    const bytes = encodeFrame({ type: 'ROOM_LIST', ref: 1, rooms: [{ name: '#a', topic: 't', members: 300 }] });
    assert.equal(toHex(bytes.subarray(HEADER_BYTES)), '01 01 02 23 61 01 74 ac 02');
  });

  it('round-trips a frame of every type', () => {
    assert.deepEqual(Object.keys(samples).sort(), [...typeNames].sort(), 'a sample for every type');
    for (const frame of allSamples) {
      const bytes = encodeFrame(frame);
      assert.equal(bytes[0], FrameType[frame.type]);
      assert.deepEqual(onlyFrame(bytes), frame, frame.type);
    }
  });

  it('decodes exactly the fields of the type, each with its type', () => {
    for (const frame of allSamples) {
      const decoded = onlyFrame(encodeFrame(frame)) as unknown as Record<string, unknown>;
      assert.deepEqual(Object.keys(decoded), Object.keys(frame), frame.type);
    }
  });

  for (const [title, frame, expected] of [
    ['A.1. HELLO', { type: 'HELLO', versions: [1], caps: ['resume', 'presence'], agent: 'confab/0.1' },
      '01 00 00 00 1e 01 01 02 06 72 65 73 75 6d 65 08 70 72 65 73 65 6e 63 65 0a 63 6f 6e 66 61 62 2f 30 2e 31'],
    ['A.2. SEND', { type: 'SEND', ref: 7, cid: 'c1', to: ['#general', 'bob'], text: 'héllo' },
      '30 00 00 00 19 07 02 63 31 02 08 23 67 65 6e 65 72 61 6c 03 62 6f 62 06 68 c3 a9 6c 6c 6f'],
    ['A.3. MSG', { type: 'MSG', msg: msgA },
      '32 00 00 00 24 81 80 80 b4 e5 9f af 0c 80 d0 95 ff bc 31 05 61 6c 69 63 65 01 08 23 67 65 6e 65 72 61 6c 02 68 69 02 63 31'],
    ['A.4. PRESENCE', { type: 'PRESENCE', room: '#general', user: 'bob', event: 'leave' },
      '35 00 00 00 0e 08 23 67 65 6e 65 72 61 6c 03 62 6f 62 01'],
  ] as [string, Frame, string][]) {
    it(`encodes the example of Appendix ${title} byte for byte, and decodes it back`, () => {
      assert.equal(toHex(encodeFrame(frame)), expected);
      assert.deepEqual(onlyFrame(hex(expected)), frame);
      const fromDoc = exampleBytes(sectionLines(new RegExp(`^${title.replace('.', '\\.')}$`)));
      assert.equal(toHex(fromDoc), expected, 'docs/protocol.md shows the same bytes');
    });
  }
});

describe('protocol.md §3.5 Parsing a body', () => {
  it('ignores bytes after the last known field (a later revision\'s fields)', () => {
    for (const frame of allSamples) {
      const body = encodeFrame(frame).subarray(HEADER_BYTES);
      const extended = rawFrame(FrameType[frame.type], concat([body, hex('01 02 03 ff 80')]));
      assert.deepEqual(onlyFrame(extended), frame, frame.type);
    }
  });

  it('reports a body cut anywhere as PROTOCOL_ERROR, quoting ref once it could be read', () => {
    for (const frame of allSamples) {
      const body = encodeFrame(frame).subarray(HEADER_BYTES);
      const hasRef = 'ref' in frame;
      const refBytes = hasRef ? encodeFrame({ type: 'OK', ref: frame.ref }).length - HEADER_BYTES : 0;
      const earlier = new Map(earlierRevisions(frame).map((f) => [encodeFrame(f).length - HEADER_BYTES, f]));
      for (let cut = 0; cut < body.length; cut++) {
        const known = earlier.get(cut);
        if (known) {
          // Cut just before a trailing field: a peer that does not know it (§12.3).
          assert.deepEqual(onlyFrame(rawFrame(FrameType[frame.type], body.subarray(0, cut))), known);
          continue;
        }
        const e = onlyError(rawFrame(FrameType[frame.type], body.subarray(0, cut)));
        assert.equal(e.code, ErrorCode.PROTOCOL_ERROR, `${frame.type} cut at ${cut}`);
        assert.equal(e.fatal, false);
        assert.equal(e.ref, hasRef && cut >= refBytes ? frame.ref : 0, `${frame.type} cut at ${cut}: ref`);
        assert.ok(e.text.startsWith(`${frame.type}.`), e.text);
      }
    }
  });

  it('reports an empty body of a frame with fields as PROTOCOL_ERROR with ref 0', () => {
    const e = onlyError(rawFrame(0x13, []));
    assert.deepEqual([e.code, e.ref, e.fatal], [ErrorCode.PROTOCOL_ERROR, 0, false]);
  });
});

describe('protocol.md §3.6 Streams and message boundaries', () => {
  const stream = encodeFrames([samples.HELLO, samples.SEND, samples.JOINED, samples.MSG, samples.PING, samples.MESSAGES]);
  const expected = [samples.HELLO, samples.SEND, samples.JOINED, samples.MSG, samples.PING, samples.MESSAGES].map((frame) => ({ kind: 'frame', frame }));

  it('encodeFrames is the frames back to back', () => {
    assert.equal(toHex(stream), toHex(concat([samples.HELLO, samples.SEND, samples.JOINED, samples.MSG, samples.PING, samples.MESSAGES].map(encodeFrame))));
    assert.equal(encodeFrames([]).length, 0);
  });

  it('decodes the same frames whatever the split point', () => {
    for (let at = 0; at <= stream.length; at++) {
      const d = new FrameDecoder();
      const items = [...d.push(stream.subarray(0, at)), ...d.push(stream.subarray(at))];
      assert.deepEqual(items, expected, `split at ${at}`);
    }
  });

  it('decodes the same frames fed one byte at a time', () => {
    const d = new FrameDecoder();
    const items: Decoded[] = [];
    for (let i = 0; i < stream.length; i++) items.push(...d.push(stream.subarray(i, i + 1)));
    assert.deepEqual(items, expected);
  });

  it('decodes the same frames from three-way splits (end of one frame, whole frames, start of the next)', () => {
    for (let a = 0; a <= stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 11) {
        const d = new FrameDecoder();
        const items = [...d.push(stream.subarray(0, a)), ...d.push(stream.subarray(a, b)), ...d.push(stream.subarray(b))];
        assert.deepEqual(items, expected, `split at ${a}, ${b}`);
      }
    }
  });

  it('decodes many frames coalesced into one push', () => {
    const frames: Frame[] = Array.from({ length: 2000 }, (_, i) => ({ type: 'PING', n: i }));
    const items = new FrameDecoder().push(encodeFrames(frames));
    assert.deepEqual(items, frames.map((frame) => ({ kind: 'frame', frame })));
  });

  it('does not depend on the pushed buffer after push returns', () => {
    const d = new FrameDecoder();
    const bytes = Uint8Array.from(encodeFrame(samples.SEND));
    assert.deepEqual(d.push(bytes.subarray(0, 9)), []);
    bytes.fill(0xee, 0, 9); // the caller reuses its buffer
    assert.deepEqual(d.push(bytes.subarray(9)), [{ kind: 'frame', frame: samples.SEND }]);
  });

  it('accepts Buffer input from Node sockets', () => {
    assert.deepEqual(new FrameDecoder().push(Buffer.from(stream)), expected);
  });

  it('reassembles a large frame that arrives in many small reads', () => {
    const big: Frame = { type: 'SEND', ref: 3, cid: '', to: ['#a'], text: 'é'.repeat(30_000) };
    const bytes = encodeFrame(big);
    const d = new FrameDecoder();
    const items: Decoded[] = [];
    for (let i = 0; i < bytes.length; i += 1000) items.push(...d.push(bytes.subarray(i, i + 1000)));
    assert.deepEqual(items, [{ kind: 'frame', frame: big }]);
    assert.deepEqual(d.push(encodeFrame(samples.PING)), [{ kind: 'frame', frame: samples.PING }], 'and continues afterwards');
  });
});

describe('protocol.md §8 Malformed input', () => {
  it('§8.1 only FRAME_TOO_LARGE is fatal; §11 says the same', () => {
    const fatalInDoc = new Map(errorCatalogue().map((e) => [e.name, e.fatal]));
    assert.equal(fatalInDoc.get('FRAME_TOO_LARGE'), 'yes');
    assert.equal(fatalInDoc.get('PROTOCOL_ERROR'), 'no');
    assert.equal(fatalInDoc.get('INVALID_UTF8'), 'no');
  });

  it('§8.2 drops a malformed frame and decodes the frames around it', () => {
    const bad = rawFrame(0x30, hex('05 02 63'));
    const items = decodeAll(concat([encodeFrame(samples.PING), bad, encodeFrame(samples.OK)]));
    assert.equal(items.length, 3);
    assert.deepEqual(items[0], { kind: 'frame', frame: samples.PING });
    assert.equal(items[1].kind === 'error' && items[1].ref, 5);
    assert.deepEqual(items[2], { kind: 'frame', frame: samples.OK });
  });

  it('§8.3 skips an unknown frame type and decodes the frame after it, in one push or split', () => {
    const unknown = rawFrame(0xf7, [1, 2, 3]);
    const next = encodeFrame(samples.SEND);
    const both = concat([unknown, next]);
    assert.deepEqual(decodeAll(both), [{ kind: 'unknown', type: 0xf7 }, { kind: 'frame', frame: samples.SEND }]);
    for (let at = 0; at <= both.length; at++) {
      const d = new FrameDecoder();
      assert.deepEqual([...d.push(both.subarray(0, at)), ...d.push(both.subarray(at))], [{ kind: 'unknown', type: 0xf7 }, { kind: 'frame', frame: samples.SEND }]);
    }
  });

  it('§8.3 reports every code without a frame type as unknown, the reserved ones included', () => {
    const known = new Set<number>(Object.values(FrameType));
    for (let type = 0; type < 256; type++) {
      if (known.has(type)) continue;
      assert.deepEqual(decodeAll(rawFrame(type, [0xff, 0x00])), [{ kind: 'unknown', type }], `type ${type}`);
    }
    assert.ok(!known.has(0x00));
    for (let type = 0xf0; type <= 0xff; type++) assert.ok(!known.has(type));
  });

  it('survives garbage: never throws, and either stops fatally or keeps decoding', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let round = 0; round < 300; round++) {
      const garbage = Uint8Array.from({ length: 1 + (round % 97) * 3 }, random);
      const d = new FrameDecoder();
      const items = d.push(garbage);
      for (const item of items) {
        if (item.kind === 'error') {
          assert.ok(new Set<number>([ErrorCode.PROTOCOL_ERROR, ErrorCode.INVALID_UTF8, ErrorCode.FRAME_TOO_LARGE]).has(item.code));
          assert.equal(item.fatal, item.code === ErrorCode.FRAME_TOO_LARGE);
        }
      }
    }
  });

  it('decodes the integration test\'s invalid JOIN (c3 28) as INVALID_UTF8 with ref 7', () => {
    const e = onlyError(Uint8Array.from([0x21, 0x00, 0x00, 0x00, 0x04, 0x07, 0x02, 0xc3, 0x28]));
    assert.deepEqual([e.code, e.ref, e.fatal], [ErrorCode.INVALID_UTF8, 7, false]);
  });
});

describe('protocol.md §5.3 Capabilities and §10 Limits', () => {
  it('§5.3 lists the capabilities of frames.ts', () => {
    const { rows } = table(sectionLines(/^5\.3\. Capabilities$/));
    assert.deepEqual(rows.map((r) => r[0]), [...CAPABILITIES]);
  });

  it('§10 lists every limit of frames.ts with its value', () => {
    const { rows } = table(sectionLines(/^10\. Limits$/), 0);
    assert.deepEqual(rows.map(([name, value]) => [name, Number(value)]), Object.entries(Limits));
  });
});

describe('encoder buffers', () => {
  it('never changes a returned frame when later frames are encoded', () => {
    const first = encodeFrame(samples.MSG);
    const copy = Uint8Array.from(first);
    for (let i = 0; i < 5000; i++) encodeFrame({ type: 'SEND', ref: i, cid: `c${i}`, to: ['#x'], text: 'z'.repeat(i % 300) });
    encodeFrame({ type: 'SEND', ref: 1, cid: '', to: [], text: 'w'.repeat(2_000_000) });
    assert.deepEqual(first, copy);
  });

  it('recovers from a failed encode: the next frame is whole', () => {
    assert.throws(() => encodeFrame({ type: 'SEND', ref: 1, cid: 'x', to: ['#a'], text: undefined as unknown as string }), /SEND\.text/);
    assert.throws(() => encodeFrame({ type: 'NOPE' } as unknown as Frame), /unknown frame type/);
    assert.deepEqual(onlyFrame(encodeFrame(samples.SEND)), samples.SEND);
  });

  it('refuses a body the 24-bit length cannot express', () => {
    assert.throws(() => encodeFrame({ type: 'SEND', ref: 1, cid: '', to: [], text: 'q'.repeat(MAX_BODY) }), RangeError);
    assert.deepEqual(onlyFrame(encodeFrame(samples.PING)), samples.PING);
  });
});

describe('protocol.md section numbers cited by the tests', () => {
  it('has a heading for every "protocol.md §N" that a test under test/ cites', () => {
    const root = join(repoRoot(), 'test');
    const cited = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/protocol\.md §(\d+(?:\.\d+)*)/g)) cited.add(m[1]);
      }
    };
    walk(root);
    assert.ok(cited.size > 10, `found only ${cited.size} citations`);
    for (const number of cited) {
      assert.ok(headingIndex(new RegExp(`^${number.replace(/\./g, '\\.')}\\. `)) >= 0, `§${number}`);
    }
  });
});
