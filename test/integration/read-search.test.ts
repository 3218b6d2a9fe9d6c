// protocol.md §7.15 Read markers and §7.16 Search over the wire, on the durable store (SQLite's
// FTS5 index): markers shared by two connections of one account, and searches that reach for
// what the searcher may not read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import type { FrameOf } from '../../src/protocol/frames.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer(); });
after(() => srv.close());

async function connect(name: string, first: boolean): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  if (first) await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw-1' }, 'SESSION');
  else await c.request({ type: 'LOGIN', ref: c.nextRef(), name, password: 'secret-pw-1', guest: false, token: '', since: 0 }, 'SESSION');
  return c;
}

async function send(c: RawClient, to: string, text: string): Promise<number> {
  return (await c.request({ type: 'SEND', ref: c.nextRef(), cid: '', to: [to], text }, 'ACK')).id;
}

async function unreads(c: RawClient): Promise<Record<string, [number, number]>> {
  const list = await c.request({ type: 'UNREADS', ref: c.nextRef(), limit: 50 }, 'UNREAD_LIST');
  return Object.fromEntries(list.unreads.map((u) => [u.with, [u.unread, u.mentions]]));
}

async function search(c: RawClient, query: string, before = 0, limit = 50): Promise<FrameOf<'MESSAGES'>> {
  return c.request({ type: 'SEARCH', ref: c.nextRef(), query, before, limit }, 'MESSAGES');
}

describe('protocol.md §7.15 Read markers over the wire', () => {
  it('a second device of the account gets the same counts, and what one reads clears on the other', async () => {
    const rex = await connect('rex', true);
    const phone = await connect('rex', false);
    const sam = await connect('sam', true);
    await rex.request({ type: 'CREATE', ref: rex.nextRef(), room: '#porch', topic: '' }, 'JOINED');
    await sam.request({ type: 'JOIN', ref: sam.nextRef(), room: '#porch' }, 'JOINED');
    await send(sam, '#porch', 'morning');
    const last = await send(sam, '#porch', 'coffee, @Rex?');
    await send(sam, 'rex', 'are you there');
    const laptop = await connect('rex', false);
    assert.deepEqual(await unreads(laptop), { '#general': [0, 0], '#porch': [2, 1], sam: [1, 0] });
    const answer = await rex.request({ type: 'READ', ref: rex.nextRef(), with: '#PORCH', id: last }, 'READ');
    assert.deepEqual([answer.with, answer.id], ['#porch', last]);
    const told = await phone.next('READ', (f) => f.ref === 0);
    assert.deepEqual([told.with, told.id], ['#porch', last]);
    await laptop.next('READ', (f) => f.ref === 0 && f.id === last);
    assert.deepEqual(await unreads(laptop), { '#general': [0, 0], '#porch': [0, 0], sam: [1, 0] });
    // Sam cannot move rex's markers, nor take one for a DM between rex and someone else.
    assert.equal(await sam.expectError({ type: 'READ', ref: sam.nextRef(), with: 'rex', id: last }), ErrorCode.BAD_REQUEST);
    for (const c of [rex, phone, sam, laptop]) c.close();
  });
});

describe('protocol.md §7.16 Search over the wire', () => {
  it('finds words newest first in what the user reads, never in a room left or never joined, or in others\' DMs', async () => {
    const ann = await connect('ann', true);
    const ben = await connect('ben', true);
    const cy = await connect('cy', true);
    await ann.request({ type: 'CREATE', ref: ann.nextRef(), room: '#vault', topic: '' }, 'JOINED');
    await ann.request({ type: 'CREATE', ref: ann.nextRef(), room: '#attic', topic: '' }, 'JOINED');
    await cy.request({ type: 'JOIN', ref: cy.nextRef(), room: '#attic' }, 'JOINED');
    await send(ann, '#vault', 'the launch code is swordfish');
    await send(ann, '#attic', 'swordfish in the attic');
    await send(ann, 'ben', 'swordfish between ann and ben');
    const toCy = await send(ben, 'cy', 'swordfish for cy');
    await cy.request({ type: 'LEAVE', ref: cy.nextRef(), room: '#attic' }, 'OK');
    const found = await search(cy, 'Swordfish');
    assert.equal(found.with, '');
    assert.deepEqual(found.messages.map((m) => m.id), [toCy]);
    // Within the session's budget of 5 searches at once.
    for (const q of ['swordfish OR launch*', '"launch" NEAR code', 'attic']) {
      assert.ok((await search(cy, q)).messages.every((m) => m.id === toCy), q);
    }
    assert.equal(await cy.expectError({ type: 'SEARCH', ref: cy.nextRef(), query: 'x'.repeat(201), before: 0, limit: 10 }), ErrorCode.QUERY_TOO_LONG);
    assert.equal(await cy.expectError({ type: 'SEARCH', ref: cy.nextRef(), query: 'swordfish', before: 0, limit: 51 }), ErrorCode.BAD_REQUEST);
    // Ann reads her rooms and DMs: newest first, in pages.
    const p1 = await search(ann, 'swordfish', 0, 2);
    assert.deepEqual(p1.messages.map((m) => m.text), ['swordfish between ann and ben', 'swordfish in the attic']);
    assert.equal(p1.more, true);
    const p2 = await search(ann, 'swordfish', p1.messages[1].id, 2);
    assert.deepEqual(p2.messages.map((m) => m.text), ['the launch code is swordfish']);
    assert.equal(p2.more, false);
    for (const c of [ann, ben, cy]) c.close();
  });

  it('a session that searches too often is RATE_LIMITED and keeps its session', async () => {
    const dee = await connect('dee', true);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const ref = dee.nextRef();
      dee.send({ type: 'SEARCH', ref, query: 'anything', before: 0, limit: 5 });
      const f = await dee.nextWhere((x) => (x.type === 'MESSAGES' || x.type === 'ERROR') && x.ref === ref);
      codes.push(f.type === 'ERROR' ? f.code : 0);
    }
    assert.ok(codes.includes(ErrorCode.RATE_LIMITED));
    assert.equal(codes[0], 0);
    await dee.request({ type: 'UNREADS', ref: dee.nextRef(), limit: 1 }, 'UNREAD_LIST');
    dee.close();
  });
});
