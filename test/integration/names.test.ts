// Names from the attacker's side, over real sockets: look-alikes of a taken name (Cyrillic,
// fullwidth, case, invisible fillers), reserved names, room look-alikes, and the race between a
// registration that is hashing and a guest taking the name (docs/protocol.md §7.1, §7.8, §13.3).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode as E } from '../../src/vocabulary/errors.js';
import { encodeLogin } from '../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../src/gateways/chatos/errors.js';
import { AppErrorCode } from '../../src/gateways/chatapp/errors.js';
import type { FrameOf } from '../../src/protocol/frames.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const PASSWORD = 'correct-horse';
const CYRILLIC_A = '\u0430';
const HANGUL_FILLER = '\u3164';

async function native(srv: TestServer, t: 'tls' | 'ws' = 'tls'): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint(t));
  await c.hello();
  return c;
}

type Answer = FrameOf<'SESSION'> | FrameOf<'ERROR'>;

async function answer(c: RawClient, frame: FrameOf<'REGISTER'> | FrameOf<'LOGIN'>): Promise<Answer> {
  c.send(frame);
  return (await c.nextWhere((f) => (f.type === 'SESSION' || f.type === 'ERROR') && f.ref === frame.ref, `${frame.type} answer`)) as Answer;
}

const register = (c: RawClient, name: string): Promise<Answer> => answer(c, { type: 'REGISTER', ref: c.nextRef(), name, password: PASSWORD });
const guest = (c: RawClient, name: string): Promise<Answer> => answer(c, { type: 'LOGIN', ref: c.nextRef(), name, password: '', guest: true, token: '', since: 0 });
const code = (a: Answer): number => (a.type === 'ERROR' ? a.code : 0);

/** Look-alikes of "alice": Cyrillic а, fullwidth, upper case. */
const LOOK_ALIKES = [`${CYRILLIC_A}lice`, 'ａｌｉｃｅ', 'ALICE', `AL${'\u0406'}CE`.toLowerCase().replace('\u0456', 'i')];
/** "alice" with an invisible character: refused outright, whoever holds "alice". */
const INVISIBLE = [`alice${HANGUL_FILLER}`, 'ali\u200bce', `alice\u115f`, `alice\u1160`, `alice\uffa0`, 'alice\u2060', 'alice\ufe0f'];

describe('protocol.md §7.8 look-alikes of a taken name', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ gateways: ['chatos', 'chatapp'] });
    const c = await native(srv);
    assert.equal((await register(c, 'alice')).type, 'SESSION');
    c.close();
  });
  after(() => srv.close());

  it('protocol.md §7.8 REGISTER of a Cyrillic, fullwidth or upper-case "alice" is NAME_TAKEN', async () => {
    const c = await native(srv);
    for (const name of LOOK_ALIKES) assert.equal(code(await register(c, name)), E.NAME_TAKEN, JSON.stringify(name));
    c.close();
  });

  it('protocol.md §7.8 a name with an invisible character is INVALID_NAME, as REGISTER and as a guest', async () => {
    const c = await native(srv);
    for (const name of INVISIBLE) {
      assert.equal(code(await register(c, name)), E.INVALID_NAME, JSON.stringify(name));
      assert.equal(code(await guest(c, name)), E.INVALID_NAME, JSON.stringify(name));
    }
    // Invisible all by itself, too (U+3164 is a letter by category).
    assert.equal(code(await guest(c, HANGUL_FILLER)), E.INVALID_NAME);
    c.close();
  });

  it('protocol.md §7.8 look-alikes are NAME_IN_USE as native, ChatOS and ChatApp guests', async () => {
    const c = await native(srv);
    for (const name of LOOK_ALIKES) assert.equal(code(await guest(c, name)), E.NAME_IN_USE, JSON.stringify(name));
    c.close();
    for (const name of [`${CYRILLIC_A}lice`, 'ａｌｉｃｅ']) {
      const os = await ChatosClient.open(chatosAddress(srv));
      os.send(encodeLogin(name));
      await os.expectError(ChatosError.NICKNAME_IN_USE);
      os.close();
      const app = await ChatappClient.open(chatappAddress(srv));
      app.msg('ConnectionMessage', 'Server', 'CONNECT', name);
      await app.expectError(AppErrorCode.NAME_IN_USE);
      app.close();
    }
  });

  it('protocol.md §7.8 a guest\'s nickname is taken for look-alikes too, on every protocol', async () => {
    const holder = await ChatosClient.login(chatosAddress(srv), 'zed');
    const c = await native(srv);
    assert.equal(code(await register(c, 'ＺＥＤ')), E.NAME_TAKEN);
    assert.equal(code(await guest(c, `z${'\u0435'}d`)), E.NAME_IN_USE, 'Cyrillic е');
    c.close();
    holder.close();
  });

  it('protocol.md §7.8 reserved names and their look-alikes are refused, to accounts and guests', async () => {
    const c = await native(srv);
    for (const name of ['server', 'Server', 'admin', 'ADMIN', 'operator', 'adrnin', '0perator', `${'\u0455'}erver`, 'nickserv']) {
      assert.equal(code(await register(c, name)), E.NAME_TAKEN, name);
      assert.equal(code(await guest(c, name)), E.NAME_IN_USE, name);
    }
    c.close();
    // ChatApp speaks as "Server": no ChatApp user may be called that.
    const app = await ChatappClient.open(chatappAddress(srv));
    app.msg('ConnectionMessage', 'Server', 'CONNECT', 'Server');
    await app.expectError(AppErrorCode.NAME_IN_USE);
    app.close();
  });

  it('protocol.md §13.3 a room that looks like #general is #general', async () => {
    const c = await native(srv);
    assert.equal((await register(c, 'roomie')).type, 'SESSION');
    for (const room of [`#g${'\u0435'}neral`, '#ＧＥＮＥＲＡＬ']) {
      const ref = c.nextRef();
      c.send({ type: 'CREATE', ref, room, topic: 'not the real one' });
      assert.equal((await c.next('ERROR', (f) => f.ref === ref)).code, E.ROOM_EXISTS, room);
    }
    const ref = c.nextRef();
    c.send({ type: 'CREATE', ref, room: `#new${'\u200b'}room`, topic: '' });
    assert.equal((await c.next('ERROR', (f) => f.ref === ref)).code, E.INVALID_NAME);
    c.close();
  });
});

describe('protocol.md §7.1 a guest and a registration never end with one name', () => {
  let srv: TestServer;
  // A cost that takes a while, so the guest arrives while the registration hashes.
  before(async () => { srv = await startTestServer({ security: { scryptLog2N: 16 } }); });
  after(() => srv.close());

  it('protocol.md §7.1 a guest that takes the name while REGISTER hashes keeps it; the registration is NAME_TAKEN', async () => {
    const registrant = await native(srv);
    const intruder = await native(srv, 'ws');
    const ref = registrant.nextRef();
    registrant.send({ type: 'REGISTER', ref, name: 'racer', password: PASSWORD });
    // Until the registration's hash has started (its first checks passed): then the guest comes.
    const gate = srv.server.node.passwords.gate;
    for (let turns = 0; gate.active === 0; turns++) {
      assert.ok(turns < 100_000, 'the registration never started hashing');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const asGuest = await guest(intruder, 'RACER');
    const registered = (await registrant.nextWhere((f) => (f.type === 'SESSION' || f.type === 'ERROR') && f.ref === ref, 'REGISTER answer')) as Answer;
    assert.equal(asGuest.type, 'SESSION', 'the guest got the name first');
    assert.equal(code(registered), E.NAME_TAKEN);
    assert.equal(await srv.server.store.getAccount('racer'), undefined, 'no account was stored');
    registrant.close();
    intruder.close();
  });
});
