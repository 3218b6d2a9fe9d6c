// Reading a room needs membership, as writing to it does (protocol.md §7.2, §7.5, §13.11): tried
// from the outsider's side over real sockets, through the native protocol and ChatApp.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { chatappAddress, ChatappClient } from '../conformance/chatapp/chatapp-client.js';
import { nativeUser } from '../conformance/chatos/chatos-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const E = ErrorCode;

let srv: TestServer;
let n = 0;
const uniq = (p: string): string => `${p}${++n}`;

before(async () => { srv = await startTestServer({ gateways: ['chatapp'] }); });
after(() => srv.close());

describe('protocol.md §13.11 Read permissions', () => {
  it('an outsider\'s HISTORY and MEMBERS of a room are NOT_MEMBER, until it joins, and again once it leaves', async () => {
    const owner = await nativeUser(srv, uniq('owner'));
    const room = `#${uniq('secret')}`;
    await owner.request({ type: 'CREATE', ref: owner.nextRef(), room, topic: '' }, 'JOINED');
    await owner.request({ type: 'SEND', ref: owner.nextRef(), cid: '', to: [room], text: 'for members only' }, 'ACK');

    for (const guest of [false, true]) {
      const spy = await nativeUser(srv, uniq('spy'), { guest });
      const history = { type: 'HISTORY', ref: 0, with: room, before: 0, after: 0, limit: 10 } as const;
      const members = { type: 'MEMBERS', ref: 0, room } as const;
      assert.equal(await spy.expectError({ ...history, ref: spy.nextRef() }), E.NOT_MEMBER);
      assert.equal(await spy.expectError({ ...members, ref: spy.nextRef() }), E.NOT_MEMBER);
      // In any letter case, and a room that does not exist is still NO_SUCH_ROOM.
      assert.equal(await spy.expectError({ ...history, ref: spy.nextRef(), with: room.toUpperCase() }), E.NOT_MEMBER);
      assert.equal(await spy.expectError({ ...members, ref: spy.nextRef(), room: '#nowhere-at-all' }), E.NO_SUCH_ROOM);

      await spy.request({ type: 'JOIN', ref: spy.nextRef(), room }, 'JOINED');
      const page = await spy.request({ ...history, ref: spy.nextRef() }, 'MESSAGES');
      assert.deepEqual(page.messages.map((m) => m.text), ['for members only']);
      const list = await spy.request({ ...members, ref: spy.nextRef() }, 'MEMBER_LIST');
      assert.ok(list.members.length >= 2);

      await spy.request({ type: 'LEAVE', ref: spy.nextRef(), room }, 'OK');
      assert.equal(await spy.expectError({ ...history, ref: spy.nextRef() }), E.NOT_MEMBER);
      assert.equal(await spy.expectError({ ...members, ref: spy.nextRef() }), E.NOT_MEMBER);
      spy.close();
    }
    owner.close();
  });

  it('ChatApp: a user learns who is in a room only by joining it; joins and leaves elsewhere do not reach it', async () => {
    const owner = await nativeUser(srv, uniq('owner'));
    const room = uniq('hidden');
    await owner.request({ type: 'CREATE', ref: owner.nextRef(), room: `#${room}`, topic: '' }, 'JOINED');
    const spy = await ChatappClient.connect(chatappAddress(srv), uniq('spy'));
    // The room's existence is public (the room list); its members are not.
    assert.ok(spy.bodies.some((b) => b.type === 'CreateRoomMessage' && b.data === room));
    const visitor = await nativeUser(srv, uniq('visitor'));
    await visitor.request({ type: 'JOIN', ref: visitor.nextRef(), room: `#${room}` }, 'JOINED');
    await visitor.request({ type: 'LEAVE', ref: visitor.nextRef(), room: `#${room}` }, 'OK');
    await owner.next('PRESENCE', (p) => p.event === 'leave' && p.room === `#${room}`);
    assert.ok(await spy.none((b) => (b.type === 'JoinMessage' || b.type === 'LeaveMessage') && b.data === room));
    visitor.close();
    spy.close();
    owner.close();
  });
});
