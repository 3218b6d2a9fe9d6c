// Property tests of the codec: arbitrary frames round-trip under arbitrary splits, and no input,
// however hostile, makes the decoder throw. Each describe names the section of docs/protocol.md
// whose rule it checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { DM_POLICIES, encodeFrame, encodeFrames, FrameDecoder, HEADER_BYTES, PRESENCE_EVENTS, ROLES, type Decoded } from '../../../src/protocol/codec.js';
import { FrameType, type Frame, type WireFile, type WireMember, type WireMessage, type WireReaction, type WireRoom, type WireState } from '../../../src/protocol/frames.js';
import { earlierRevisions } from './revisions.js';

// ---- arbitraries ----

const uint = fc.oneof(fc.nat(300), fc.maxSafeNat());
// 'binary' yields any code point except lone surrogates: exactly the strings UTF-8 can carry.
const str = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 40, maxLength: 200 }) },
);
// Plain objects, like the decoder's, so that deepEqual compares values only.
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
const list = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(item, { maxLength: 5 });

const wireMessage: fc.Arbitrary<WireMessage> = rec({ id: uint, at: uint, from: str, to: list(str), text: str, cid: str });
const wireMember: fc.Arbitrary<WireMember> = rec({ name: str, online: fc.boolean(), operator: fc.boolean() });
const wireRoom: fc.Arbitrary<WireRoom> = rec({ name: str, topic: str, members: uint });
const wireFile: fc.Arbitrary<WireFile> = rec({ message: uint, id: str, name: str, size: uint, type: str, sha256: str });
const wireReaction: fc.Arbitrary<WireReaction> = rec({ emoji: str, count: uint, users: list(str) });
const wireState: fc.Arbitrary<WireState> = rec({ message: uint, replyTo: uint, edited: uint, deleted: uint, deletedBy: str, reactions: list(wireReaction) });
const bytes = fc.uint8Array({ maxLength: 300 });

const frame: fc.Arbitrary<Frame> = fc.oneof(
  rec({ type: fc.constant('HELLO'), versions: list(uint), caps: list(str), agent: str }),
  rec({ type: fc.constant('WELCOME'), version: uint, caps: list(str), server: str, maxFrame: uint, heartbeatMs: uint }),
  rec({ type: fc.constant('ERROR'), ref: uint, code: uint, text: str, versions: list(uint), retryMs: uint }),
  rec({ type: fc.constant('PING'), n: uint }),
  rec({ type: fc.constant('PONG'), n: uint }),
  rec({ type: fc.constant('BYE'), code: uint, text: str }),
  rec({ type: fc.constant('REGISTER'), ref: uint, name: str, password: str }),
  rec({ type: fc.constant('LOGIN'), ref: uint, name: str, password: str, guest: fc.boolean(), token: str, since: uint }),
  rec({ type: fc.constant('SESSION'), ref: uint, name: str, guest: fc.boolean(), token: str, resumed: fc.boolean(), rooms: list(str) }),
  rec({ type: fc.constant('OK'), ref: uint }),
  rec({ type: fc.constant('CREATE'), ref: uint, room: str, topic: str }),
  rec({ type: fc.constant('JOIN'), ref: uint, room: str, key: str }),
  rec({ type: fc.constant('JOINED'), ref: uint, room: str, topic: str, members: list(wireMember), history: list(wireMessage), files: list(wireFile), states: list(wireState) }),
  rec({ type: fc.constant('LEAVE'), ref: uint, room: str }),
  rec({ type: fc.constant('ROOMS'), ref: uint, after: str, limit: uint }),
  rec({ type: fc.constant('ROOM_LIST'), ref: uint, rooms: list(wireRoom), next: str }),
  rec({ type: fc.constant('MEMBERS'), ref: uint, room: str }),
  rec({ type: fc.constant('MEMBER_LIST'), ref: uint, room: str, members: list(wireMember), voiced: list(str) }),
  rec({ type: fc.constant('TOPIC'), ref: uint, room: str, topic: str, by: str }),
  rec({ type: fc.constant('KICK'), ref: uint, room: str, user: str, reason: str, by: str }),
  rec({ type: fc.constant('BAN'), ref: uint, room: str, user: str, reason: str }),
  rec({ type: fc.constant('SUSPEND'), ref: uint, user: str, reason: str, suspended: fc.boolean() }),
  rec({ type: fc.constant('NICK'), ref: uint, user: str, name: str, token: str }),
  rec({ type: fc.constant('BLOCK'), ref: uint, user: str, blocked: fc.boolean() }),
  rec({ type: fc.constant('READ'), ref: uint, with: str, id: uint }),
  rec({ type: fc.constant('UNREADS'), ref: uint, limit: uint }),
  rec({ type: fc.constant('UNREAD_LIST'), ref: uint, unreads: list(rec({ with: str, read: uint, unread: uint, mentions: uint })) }),
  rec({ type: fc.constant('SEARCH'), ref: uint, query: str, before: uint, limit: uint }),
  rec({ type: fc.constant('UNBAN'), ref: uint, room: str, user: str }),
  rec({ type: fc.constant('ROLE'), ref: uint, room: str, user: str, role: fc.constantFrom(...ROLES), by: str }),
  rec({
    type: fc.constant('SETTINGS'), ref: uint, room: str, inviteOnly: fc.boolean(), keyed: fc.boolean(), key: str, limit: uint, moderated: fc.boolean(),
    secret: fc.boolean(), topicLocked: fc.boolean(), membersOnly: fc.boolean(), closed: fc.boolean(), by: str,
  }),
  rec({ type: fc.constant('INVITE'), ref: uint, room: str, user: str, by: str }),
  rec({ type: fc.constant('MUTE'), ref: uint, room: str, user: str, seconds: uint, reason: str, by: str }),
  rec({ type: fc.constant('BANS'), ref: uint, room: str }),
  rec({ type: fc.constant('BAN_LIST'), ref: uint, room: str, bans: list(rec({ target: str, by: str, reason: str, at: uint })) }),
  rec({ type: fc.constant('CLOSE'), ref: uint, room: str, closed: fc.boolean(), reason: str }),
  rec({ type: fc.constant('AUDIT'), ref: uint, room: str, before: uint, limit: uint }),
  rec({ type: fc.constant('AUDIT_LOG'), ref: uint, records: list(rec({ id: uint, at: uint, actor: str, action: str, room: str, target: str, detail: str })) }),
  rec({ type: fc.constant('GET_SETTINGS'), ref: uint, room: str }),
  rec({ type: fc.constant('SEND'), ref: uint, cid: str, to: list(str), text: str, files: list(str), replyTo: uint }),
  rec({ type: fc.constant('ACK'), ref: uint, cid: str, id: uint, at: uint }),
  rec({ type: fc.constant('MSG'), msg: wireMessage, files: list(wireFile), safe: uint, states: list(wireState) }),
  rec({ type: fc.constant('HISTORY'), ref: uint, with: str, before: uint, after: uint, limit: uint }),
  rec({ type: fc.constant('MESSAGES'), ref: uint, with: str, messages: list(wireMessage), more: fc.boolean(), files: list(wireFile), states: list(wireState) }),
  rec({ type: fc.constant('PRESENCE'), room: str, user: str, event: fc.constantFrom(...PRESENCE_EVENTS) }),
  rec({ type: fc.constant('GAP'), since: uint, until: uint }),
  rec({ type: fc.constant('TYPING'), to: str, user: str }),
  rec({ type: fc.constant('DIRECTS'), ref: uint, limit: uint }),
  rec({ type: fc.constant('EDIT'), ref: uint, id: uint, text: str, by: str, at: uint }),
  rec({ type: fc.constant('DELETE'), ref: uint, id: uint, by: str, at: uint }),
  rec({ type: fc.constant('REACT'), ref: uint, id: uint, emoji: str, on: fc.boolean(), user: str }),
  rec({ type: fc.constant('SET_POLICY'), ref: uint, policy: fc.constantFrom(...DM_POLICIES) }),
  rec({ type: fc.constant('CONSENT_ASK'), ref: uint, user: str }),
  rec({ type: fc.constant('CONSENT'), ref: uint, user: str, accept: fc.boolean() }),
  rec({ type: fc.constant('FILE_OFFER'), ref: uint, name: str, size: uint, mediaType: str, sha256: str }),
  rec({ type: fc.constant('FILE_TICKET'), ref: uint, ticket: str, file: str, chunk: uint, window: uint }),
  rec({ type: fc.constant('FILE_PUT'), ticket: str, offset: uint, last: fc.boolean(), data: bytes }),
  rec({ type: fc.constant('FILE_PROGRESS'), ref: uint, received: uint }),
  rec({ type: fc.constant('FILE_STORED'), ref: uint, file: wireFile }),
  rec({ type: fc.constant('FILE_GET'), ref: uint, file: str, offset: uint }),
  rec({ type: fc.constant('FILE_DATA'), ref: uint, offset: uint, last: fc.boolean(), data: bytes }),
) as fc.Arbitrary<Frame>;


const frameTypeCount = Object.keys(FrameType).length;
const knownCodes = Object.values(FrameType) as number[];

/** Cut points as fractions, so one arbitrary fits streams of any length. */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function split(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const points = fractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

function decodeIn(parts: Uint8Array[], maxFrame?: number): Decoded[] {
  const d = new FrameDecoder(maxFrame === undefined ? {} : { maxFrame });
  const out: Decoded[] = [];
  for (const p of parts) out.push(...d.push(p));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function rawFrame(type: number, body: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([type, 0, (body.length >>> 16) & 0xff, (body.length >>> 8) & 0xff, body.length & 0xff]), body]);
}

/** What every decoded item must look like, whatever the input. */
function assertWellFormed(items: Decoded[]): void {
  const codes = new Set<number>([ErrorCode.PROTOCOL_ERROR, ErrorCode.INVALID_UTF8, ErrorCode.FRAME_TOO_LARGE]);
  items.forEach((item, i) => {
    if (item.kind === 'error') {
      assert.ok(codes.has(item.code), `unexpected code ${item.code}`);
      assert.equal(item.fatal, item.code === ErrorCode.FRAME_TOO_LARGE);
      if (item.fatal) assert.equal(i, items.length - 1, 'nothing after a fatal error');
      assert.ok(Number.isSafeInteger(item.ref) && item.ref >= 0);
    } else if (item.kind === 'unknown') {
      assert.ok(!knownCodes.includes(item.type));
    } else {
      assert.ok(item.frame.type in FrameType);
    }
  });
}

// ---- properties ----

describe('protocol.md §3.6 Streams and message boundaries (properties)', () => {
  it('arbitrary valid frames round-trip through encode/decode under arbitrary splits', () => {
    assert.equal(frameTypeCount, 61, 'the arbitrary covers every frame type');
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 12 }), cuts, (frames, fractions) => {
        const bytes = encodeFrames(frames);
        assert.deepEqual(decodeIn(split(bytes, fractions), 1 << 24), frames.map((f) => ({ kind: 'frame', frame: f })));
      }),
      { numRuns: 400 },
    );
  });

  it('encodeFrames equals the concatenation of encodeFrame', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        assert.deepEqual(encodeFrames(frames), concat(frames.map(encodeFrame)));
      }),
    );
  });

  it('decoding is independent of how the input is split, even for invalid input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cuts, fc.integer({ min: 0, max: 512 }), (bytes, fractions, maxFrame) => {
        assert.deepEqual(decodeIn(split(bytes, fractions), maxFrame), decodeIn([bytes], maxFrame));
      }),
      { numRuns: 300 },
    );
  });
});

describe('protocol.md §8 Malformed input (properties)', () => {
  it('random byte streams never make push() throw, and every item is well-formed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), cuts, fc.option(fc.integer({ min: 0, max: 1 << 24 })), (bytes, fractions, maxFrame) => {
        const items = decodeIn(split(bytes, fractions), maxFrame ?? undefined);
        assertWellFormed(items);
      }),
      { numRuns: 500 },
    );
  });

  it('frames with valid headers and random bodies give exactly one item each, none fatal', () => {
    const randomFrame = rec({
      type: fc.oneof(fc.constantFrom(...knownCodes), fc.integer({ min: 0, max: 255 })),
      body: fc.uint8Array({ maxLength: 80 }),
    });
    fc.assert(
      fc.property(fc.array(randomFrame, { maxLength: 20 }), cuts, (frames, fractions) => {
        const items = decodeIn(split(concat(frames.map((f) => rawFrame(f.type, f.body))), fractions));
        assertWellFormed(items);
        assert.equal(items.length, frames.length);
        items.forEach((item, i) => {
          if (!knownCodes.includes(frames[i].type)) assert.deepEqual(item, { kind: 'unknown', type: frames[i].type });
          else assert.notEqual(item.kind, 'unknown');
          assert.ok(item.kind !== 'error' || !item.fatal);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('mutated valid streams never make push() throw', () => {
    const mutation = fc.oneof(
      rec({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      rec({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
      rec({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), cuts, (frames, mutations, fractions) => {
        let bytes = Array.from(encodeFrames(frames));
        for (const m of mutations) {
          const at = bytes.length === 0 ? 0 : m.at % bytes.length;
          if (m.kind === 'flip') bytes[at] = m.value;
          else if (m.kind === 'delete') bytes.splice(at, m.count);
          else bytes = [...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)];
        }
        const mutated = Uint8Array.from(bytes);
        const items = decodeIn(split(mutated, fractions), 1 << 16);
        assertWellFormed(items);
      }),
      { numRuns: 500 },
    );
  });
});

describe('protocol.md §3.3 Field encodings (properties)', () => {
  it('a body that decodes is the canonical encoding of its frame, plus ignored trailing bytes', () => {
    // Minimal varints, strict booleans and enumerations and exact UTF-8 leave one encoding per value.
    fc.assert(
      fc.property(fc.constantFrom(...knownCodes), fc.uint8Array({ maxLength: 60 }), (type, body) => {
        const [item] = decodeIn([rawFrame(type, body)]);
        if (item.kind !== 'frame') return;
        const again = encodeFrame(item.frame).subarray(HEADER_BYTES);
        assert.deepEqual(body.subarray(0, again.length), again);
      }),
      { numRuns: 2000 },
    );
  });

  it('§3.5 trailing bytes after the known fields never change the decoded frame', () => {
    fc.assert(
      fc.property(frame, fc.uint8Array({ minLength: 1, maxLength: 30 }), (f, extra) => {
        const body = encodeFrame(f).subarray(HEADER_BYTES);
        assert.deepEqual(decodeIn([rawFrame(FrameType[f.type], concat([body, extra]))], 1 << 24), [{ kind: 'frame', frame: f }]);
      }),
    );
  });

  it('§3.5 a truncated body is a non-fatal PROTOCOL_ERROR', () => {
    fc.assert(
      fc.property(frame, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (f, fraction) => {
        const body = encodeFrame(f).subarray(HEADER_BYTES);
        const cut = Math.floor(fraction * body.length);
        const [item] = decodeIn([rawFrame(FrameType[f.type], body.subarray(0, cut))], 1 << 24);
        // A cut exactly before a trailing field is a peer that does not know it (§12.3).
        const known = earlierRevisions(f).find((e) => cut === encodeFrame(e).length - HEADER_BYTES);
        if (item.kind === 'frame' && known) {
          assert.deepEqual(item.frame, known);
          return;
        }
        assert.equal(item.kind, 'error');
        assert.equal(item.kind === 'error' && item.code, ErrorCode.PROTOCOL_ERROR);
        assert.equal(item.kind === 'error' && item.fatal, false);
      }),
    );
  });
});
