// Property tests of the IRC codec (docs/irc.md §3): messages round-trip through formatMessage and
// parseLine; any byte stream, split anywhere, reads the same and never throws; every line read is
// within the limit. Then, over real sockets, garbage never crashes the server nor disturbs another
// IRC client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { formatMessage, LineReader, MAX_LINE_BYTES, parseLine, type ReadLine } from '../../../../src/gateways/irc/codec.js';
import { startTestServer, type TestServer } from '../../../integration/test-server.js';
import { IrcTestClient } from '../../../integration/irc/irc-client.js';

const word = fc.stringMatching(/^[A-Za-z0-9#._\-[\]{}|^]{1,12}$/);
const middle = fc.stringMatching(/^[^\s:\0][^\s\0]{0,10}$/).filter((s) => !/[\r\n]/.test(s));
const trailing = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !/[\r\n\0]/.test(s));
const tagKey = fc.stringMatching(/^\+?[a-z][a-z0-9-]{0,8}$/);
const message = fc.record({
  tags: fc.uniqueArray(fc.tuple(tagKey, trailing), { maxLength: 3, selector: ([k]) => k }).map((t) => new Map(t)),
  source: fc.option(word, { nil: undefined }),
  command: fc.oneof(fc.stringMatching(/^[A-Z]{1,10}$/), fc.stringMatching(/^[0-9]{3}$/)),
  params: fc.tuple(fc.array(middle, { maxLength: 5 }), fc.option(trailing, { nil: undefined })).map(([m, t]) => (t === undefined ? m : [...m, t])),
});
const cuts = fc.array(fc.nat(), { maxLength: 20 });

function readSplit(bytes: Uint8Array, at: number[]): ReadLine[] {
  const points = [...new Set(at.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
  const r = new LineReader();
  const out: ReadLine[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...r.push(bytes.subarray(from, p)));
    from = p;
  }
  return out;
}

describe('IRC codec properties', () => {
  it('messages round-trip through formatMessage and parseLine', () => {
    fc.assert(fc.property(message, (m) => {
      const line = formatMessage(m);
      const p = parseLine(line.slice(0, -2));
      assert.ok(p.ok);
      assert.deepEqual({ ...p.message, tags: [...p.message.tags] }, { ...m, tags: [...m.tags] });
    }), { numRuns: 500 });
  });

  it('random bytes never throw, read the same in any split, and no line is over the limit', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), cuts, (bytes, at) => {
      const whole = new LineReader().push(bytes);
      assert.deepEqual(readSplit(bytes, at), whole);
      for (const l of whole) {
        if (l.kind !== 'line') continue;
        assert.ok(Buffer.byteLength(l.text) <= MAX_LINE_BYTES * 3);
        parseLine(l.text);
      }
    }), { numRuns: 500 });
  });

  it('mutated valid lines never make the parser throw', () => {
    fc.assert(fc.property(message, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (m, edits) => {
      const bytes = Buffer.from(formatMessage(m));
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      for (const l of new LineReader().push(bytes)) if (l.kind === 'line') parseLine(l.text);
    }), { numRuns: 500 });
  });
});

describe('IRC gateway under garbage, over real sockets', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer({ gateways: ['irc'] }); });
  after(() => srv.close());

  it('random bytes from one client never disturb another', async () => {
    const good = await IrcTestClient.registered(srv, 'steady');
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2000 }), 30);
    for (const bytes of samples) {
      const bad = await IrcTestClient.open(srv);
      bad.writeRaw(bytes);
      bad.writeRaw('\r\nQUIT\r\n');
      await bad.ended();
    }
    good.send('PING alive');
    assert.equal((await good.expect((m) => m.command === 'PONG')).params[1], 'alive');
    good.close();
  });
});
