// Seed 004 §6.b and §7.a (ConnectionMessage CONNECT), §6.k and §7.b (QUIT), §4.b error 2, and the
// timestamp the seed's text and code disagree on, over real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeMessage, formatTimestamp } from '../../../src/gateways/chatapp/codec.js';
import { AppErrorCode } from '../../../src/gateways/chatapp/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatappAddress, ChatappClient, nativeUser, type Address } from './chatapp-client.js';

let srv: TestServer;
let addr: Address;
before(async () => {
  srv = await startTestServer({ gateways: ['chatapp'] });
  addr = chatappAddress(srv);
});
after(() => srv.close());

describe('seed 004 §6.b / §7.a ConnectionMessage CONNECT', () => {
  it('sends a CreateRoomMessage for every room; members are listed on joining (docs/chatapp.md C13, protocol.md §13.11)', async () => {
    const nat = await nativeUser(srv, 'natconn');
    await nat.request({ type: 'CREATE', ref: nat.nextRef(), room: '#snapshot', topic: '' }, 'JOINED');
    const a = await ChatappClient.open(addr);
    a.name = 'snapper';
    a.msg('ConnectionMessage', 'Server', 'CONNECT');
    const general = await a.nextOf('CreateRoomMessage', (m) => m.data === 'general');
    assert.deepEqual([general.sender, general.dest], ['Server', 'ALL']);
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'snapshot');
    await a.sync();
    assert.deepEqual(a.bodies.filter((b) => b.type === 'JoinMessage'), [], 'a new user is in no room, so it sees no member');
    a.msg('JoinMessage', 'Server', 'snapshot');
    await a.nextOf('JoinMessage', (m) => m.sender === 'snapper' && m.data === 'snapshot');
    await a.nextOf('JoinMessage', (m) => m.sender === 'natconn' && m.data === 'snapshot');
    a.close();
    nat.close();
  });

  it('an empty username is error 20, a username over MAX_NAME error 21, one in use error 3; each ends the connection', async () => {
    const taken = await ChatappClient.connect(addr, 'takenname');
    for (const [name, code] of [['', AppErrorCode.EMPTY], ['x'.repeat(51), AppErrorCode.NAME_TOO_LONG], ['TakenName', AppErrorCode.NAME_IN_USE]] as const) {
      const c = await ChatappClient.open(addr);
      c.msg('ConnectionMessage', 'Server', 'CONNECT', name);
      const e = await c.expectError(code);
      if (code === AppErrorCode.NAME_IN_USE) assert.equal(e.data, 'CONNECTION ERROR: TakenName username already in use');
      await c.closed;
    }
    taken.close();
  });

  it('a ConnectionMessage whose data is not CONNECT ends the connection (error 99); other messages before CONNECT are error 99', async () => {
    const c = await ChatappClient.open(addr);
    c.msg('ChatMessage', 'general', 'too early', 'early');
    await c.expectError(AppErrorCode.GENERIC);
    c.msg('ConnectionMessage', 'Server', 'HELLO', 'early');
    await c.expectError(AppErrorCode.GENERIC);
    await c.closed;
  });

  it('a registered name cannot be taken (error 3): ChatApp users are guests of the core', async () => {
    const nat = await nativeUser(srv, 'ownername');
    const c = await ChatappClient.open(addr);
    c.msg('ConnectionMessage', 'Server', 'CONNECT', 'ownername');
    await c.expectError(AppErrorCode.NAME_IN_USE);
    nat.close();
  });
});

describe('seed 004 §6.k / §7.b ConnectionMessage QUIT', () => {
  it('every member of each room the quitter had joined gets a LeaveMessage; the name is free again', async () => {
    const stay = await ChatappClient.connect(addr, 'stayer');
    const quit = await ChatappClient.connect(addr, 'quitter');
    quit.msg('CreateRoomMessage', 'Server', 'quitroom');
    await stay.nextOf('CreateRoomMessage', (m) => m.data === 'quitroom');
    stay.msg('JoinMessage', 'Server', 'quitroom, general');
    await stay.nextOf('JoinMessage', (m) => m.sender === 'quitter' && m.data === 'quitroom');
    quit.msg('JoinMessage', 'Server', 'general');
    await stay.nextOf('JoinMessage', (m) => m.sender === 'quitter' && m.data === 'general');
    quit.msg('ConnectionMessage', 'Server', 'QUIT');
    await quit.closed;
    const left = [
      await stay.nextOf('LeaveMessage', (m) => m.sender === 'quitter' && m.data === 'quitroom'),
      await stay.nextOf('LeaveMessage', (m) => m.sender === 'quitter' && m.data === 'general'),
    ];
    assert.equal(left.length, 2);
    await srv.quiet('quitter');
    const again = await ChatappClient.connect(addr, 'quitter');
    again.close();
    stay.close();
  });

  it('answers what came before it first: a ChatMessage then QUIT in one write gets its echo, then the close', async () => {
    const c = await ChatappClient.connect(addr, 'lastword');
    c.msg('JoinMessage', 'Server', 'general');
    await c.nextOf('JoinMessage', (m) => m.sender === 'lastword');
    c.send(Buffer.concat([
      encodeMessage('ChatMessage', 'lastword', 'general', 'goodbye all', ''),
      encodeMessage('ConnectionMessage', 'lastword', 'Server', 'QUIT', ''),
      encodeMessage('CreateRoomMessage', 'lastword', 'Server', 'afterquit', ''),
    ]));
    await c.closed;
    assert.ok(c.bodies.some((b) => b.type === 'ChatMessage' && b.data === 'goodbye all'), JSON.stringify(c.bodies));
    assert.equal(await srv.server.store.getRoom('#afterquit'), undefined, 'nothing after QUIT is handled');
  });
});

describe('seed 004 §4.b.ii error 2 (CONNECTION ERROR)', () => {
  it('is sent before the server closes a connection itself (here: shutting down)', async () => {
    const own = await startTestServer({ gateways: ['chatapp'] });
    const c = await ChatappClient.connect(chatappAddress(own), 'shutdown');
    const closing = own.close();
    const e = await c.expectError(AppErrorCode.CONNECTION_LOST);
    assert.match(e.data, /^CONNECTION ERROR: lost connection from shutdown/);
    await c.closed;
    await closing;
  });
});

describe('seed 004 §4.a.i.1 timestamp (docs/chatapp.md C3: the code\'s day-first format, UTC)', () => {
  it('stamps server messages as dd/mm/yyyy HH:MM:SS, a chat message with its storage time', async () => {
    assert.equal(formatTimestamp(Date.UTC(2026, 10, 3, 4, 5, 6)), '03/11/2026 04:05:06');
    const c = await ChatappClient.connect(addr, 'stamper');
    c.msg('JoinMessage', 'Server', 'general');
    c.msg('ChatMessage', 'general', 'what time is it', 'stamper');
    const echo = await c.nextOf('ChatMessage', (m) => m.data === 'what time is it');
    assert.match(echo.timestamp, /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    const stored = (await srv.server.store.roomHistory('#general', { limit: 1 }))[0];
    assert.equal(echo.timestamp, formatTimestamp(stored.at));
    c.close();
  });
});
