// Seed 003 §5 (chat packet) and §6 (ACK packet) over real sockets, with native users in the room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeAck, encodeChat, encodeError, Opcode } from '../../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../../src/gateways/chatos/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatosAddress, ChatosClient, errorCode, extraGateway, nativeUser, type Address } from './chatos-client.js';

let srv: TestServer;
let addr: Address;
let quick: Awaited<ReturnType<typeof extraGateway>>;

before(async () => {
  srv = await startTestServer({ gateways: ['chatos'] });
  addr = chatosAddress(srv);
  quick = await extraGateway(srv.server.node, { packetTimeoutMs: 150 });
});
after(async () => {
  await quick.close();
  await srv.close();
});

async function generalHistory(): Promise<{ from: string; text: string; clientId: string }[]> {
  return srv.server.store.roomHistory('#general', { limit: 100 });
}

describe('seed 003 §5 Chat packet', () => {
  it('an empty target posts to the general chat: ChatOS users get it with an empty string and "sender: " before the text; native users as a #general message', async () => {
    const native = await nativeUser(srv, 'nat5a');
    const a = await ChatosClient.login(addr, 'anna5');
    const b = await ChatosClient.login(addr, 'bert5');
    assert.deepEqual(await a.chat(1n, '', 'hello all'), { op: 'ACK', id: 1n });
    const got = await b.next('CHAT');
    assert.equal(got.target, '');
    assert.equal(got.text, 'anna5: hello all');
    assert.ok(got.id > 0n, 'the packet id is the message id');
    const msg = await native.next('MSG', (f) => f.msg.from === 'anna5');
    assert.deepEqual(msg.msg.to, ['#general']);
    assert.equal(msg.msg.text, 'hello all');
    assert.equal(BigInt(msg.msg.id), got.id);
    // The sender does not get its own message back.
    assert.ok(await a.none((p) => p.op === 'CHAT'));
    for (const c of [a, b]) c.close();
    native.close();
  });

  it('messages of native users in #general reach ChatOS users as general-chat packets', async () => {
    const native = await nativeUser(srv, 'nat5b');
    const a = await ChatosClient.login(addr, 'carl5');
    native.send({ type: 'SEND', ref: native.nextRef(), cid: 'n1', to: ['#general'], text: 'from native' });
    const got = await a.next('CHAT');
    assert.deepEqual({ target: got.target, text: got.text }, { target: '', text: 'nat5b: from native' });
    a.close();
    native.close();
  });

  it('"#general" as the target is the general chat too (the field is "Nickname or Channel")', async () => {
    const a = await ChatosClient.login(addr, 'dora5');
    const b = await ChatosClient.login(addr, 'emil5');
    assert.deepEqual(await a.chat(1n, '#General', 'by name'), { op: 'ACK', id: 1n });
    assert.equal((await b.next('CHAT')).text, 'dora5: by name');
    a.close();
    b.close();
  });

  it('an empty or blank message is error 1 (missing data)', async () => {
    const a = await ChatosClient.login(addr, 'fay5');
    const e = await a.chat(3n, '', '');
    assert.equal(errorCode(e), ChatosError.MISSING_DATA);
    assert.match(e.op === 'ERROR' ? e.text : '', /^packet 3: /);
    assert.equal(errorCode(await a.chat(4n, '', '  \t ')), ChatosError.MISSING_DATA);
    a.close();
  });

  it('a message over 4000 bytes is error 2; the stream stays in step', async () => {
    const a = await ChatosClient.login(addr, 'gus5');
    a.send(Buffer.concat([encodeChat(1n, '', 'y'.repeat(4001)), encodeChat(2n, '', 'z'.repeat(4000))]));
    const e = await a.expectError(ChatosError.BAD_DATA);
    assert.match(e.text, /^packet 1: message longer than 4000 bytes/);
    assert.deepEqual(await a.nextAny(), { op: 'ACK', id: 2n });
    a.close();
  });

  it('a string that is not UTF-8 is error 2', async () => {
    const a = await ChatosClient.login(addr, 'hal5');
    const bad = Buffer.concat([Buffer.from([0, Opcode.CHAT]), Buffer.alloc(7), Buffer.from([7]), Buffer.from([0]), Buffer.from([0xc3, 0x28, 0])]);
    a.send(bad);
    const e = await a.expectError(ChatosError.BAD_DATA);
    assert.match(e.text, /^packet 7: message is not valid UTF-8/);
    a.close();
  });

  it('non-ASCII UTF-8 text is carried as is', async () => {
    const a = await ChatosClient.login(addr, 'ines5');
    const b = await ChatosClient.login(addr, 'jon5');
    await a.chat(1n, '', 'café ☕ 日本');
    assert.equal((await b.next('CHAT')).text, 'ines5: café ☕ 日本');
    a.close();
    b.close();
  });

  it('a private message to a user who does not exist is error 3', async () => {
    const a = await ChatosClient.login(addr, 'kim5');
    for (const who of ['nobody5', 'not a name', '#elsewhere']) {
      const e = await a.chat(1n, who, 'psst');
      assert.equal(errorCode(e), ChatosError.NO_SUCH_USER);
    }
    a.close();
  });

  it('a private message without a private connection is error 4, to ChatOS and native users alike', async () => {
    const native = await nativeUser(srv, 'nat5c');
    const a = await ChatosClient.login(addr, 'lea5');
    const b = await ChatosClient.login(addr, 'max5');
    for (const who of ['max5', 'nat5c']) {
      const e = await a.chat(1n, who, 'psst');
      assert.equal(errorCode(e), ChatosError.NO_PRIVATE_CONNECTION, who);
    }
    assert.ok(await b.none((p) => p.op === 'CHAT'));
    assert.ok(await native.none('MSG'));
    for (const c of [a, b]) c.close();
    native.close();
  });

  it('a private message to oneself is error 2', async () => {
    const a = await ChatosClient.login(addr, 'ned5');
    assert.equal(errorCode(await a.chat(1n, 'NED5', 'me')), ChatosError.BAD_DATA);
    a.close();
  });

  it('a packet never completed is error 1 after the packet timeout; what follows is read as a new packet', async () => {
    const a = await ChatosClient.login(quick.address, 'olga5');
    const whole = encodeChat(5n, '', 'cut short');
    a.send(whole.subarray(0, whole.length - 4));
    const e = await a.expectError(ChatosError.MISSING_DATA, 3000);
    assert.match(e.text, /^packet 5: /);
    assert.deepEqual(await a.chat(6n, '', 'whole'), { op: 'ACK', id: 6n });
    assert.ok(!(await generalHistory()).some((m) => m.text.startsWith('cut')));
    a.close();
  });

  it('a truncated packet whose opcode was not even complete is error 1 too', async () => {
    const a = await ChatosClient.login(quick.address, 'pia5');
    a.send(Uint8Array.of(0));
    await a.expectError(ChatosError.MISSING_DATA, 3000);
    a.close();
  });

  it('ACK and error packets from a client are read and not answered', async () => {
    const a = await ChatosClient.login(addr, 'quin5');
    a.send(Buffer.concat([encodeAck(77n), encodeError(2, 'client side trouble')]));
    assert.ok(await a.none(() => true));
    assert.deepEqual(await a.chat(1n, '', 'still fine'), { op: 'ACK', id: 1n });
    a.close();
  });
});

describe('seed 003 §6 ACK Packet', () => {
  it('carries the id of the chat packet, and is sent once the message is stored', async () => {
    const a = await ChatosClient.login(addr, 'rosa6');
    assert.deepEqual(await a.chat(41n, '', 'stored first'), { op: 'ACK', id: 41n });
    const stored = (await generalHistory()).find((m) => m.text === 'stored first');
    assert.equal(stored?.from, 'rosa6');
    assert.match(stored?.clientId ?? '', /^chatos:[A-Za-z0-9_-]+:41$/);
    a.close();
  });

  it('ids are Java longs: the extremes are echoed exactly', async () => {
    const a = await ChatosClient.login(addr, 'sam6');
    for (const id of [9223372036854775807n, -9223372036854775808n, -1n, 0n]) {
      assert.deepEqual(await a.chat(id, '', `id ${id}`), { op: 'ACK', id });
    }
    a.close();
  });

  it('answers keep the order of the packets, so an error is matched to its packet by position', async () => {
    const a = await ChatosClient.login(addr, 'tina6');
    a.send(Buffer.concat([encodeChat(1n, '', 'one'), encodeChat(2n, 'nobody6', 'two'), encodeChat(3n, '', ''), encodeChat(4n, '', 'four')]));
    assert.deepEqual(await a.nextAny(), { op: 'ACK', id: 1n });
    const e2 = await a.nextAny();
    assert.equal(e2.op === 'ERROR' && e2.code, ChatosError.NO_SUCH_USER);
    const e3 = await a.nextAny();
    assert.equal(e3.op === 'ERROR' && e3.code, ChatosError.MISSING_DATA);
    assert.deepEqual(await a.nextAny(), { op: 'ACK', id: 4n });
    a.close();
  });

  it('a packet sent again with an id already acknowledged is a retransmission: ACKed again, not posted again', async () => {
    const native = await nativeUser(srv, 'nat6');
    const a = await ChatosClient.login(addr, 'ugo6');
    assert.deepEqual(await a.chat(10n, '', 'only once'), { op: 'ACK', id: 10n });
    assert.deepEqual(await a.chat(10n, '', 'only once'), { op: 'ACK', id: 10n });
    // Back to back, before the first is durable: still one message, two ACKs in order.
    a.send(Buffer.concat([encodeChat(11n, '', 'twice fast'), encodeChat(11n, '', 'twice fast')]));
    assert.deepEqual(await a.nextAny(), { op: 'ACK', id: 11n });
    assert.deepEqual(await a.nextAny(), { op: 'ACK', id: 11n });
    await native.next('MSG', (f) => f.msg.text === 'only once');
    await native.next('MSG', (f) => f.msg.text === 'twice fast');
    assert.ok(await native.none('MSG', (f) => f.type === 'MSG' && f.msg.from === 'ugo6'));
    const history = await generalHistory();
    assert.equal(history.filter((m) => m.text === 'only once').length, 1);
    assert.equal(history.filter((m) => m.text === 'twice fast').length, 1);
    a.close();
    native.close();
  });

  it('ids need not increase: an id not seen before is a new packet even when smaller', async () => {
    const a = await ChatosClient.login(addr, 'vic6');
    assert.deepEqual(await a.chat(20n, '', 'twenty'), { op: 'ACK', id: 20n });
    assert.deepEqual(await a.chat(5n, '', 'five'), { op: 'ACK', id: 5n });
    const texts = (await generalHistory()).filter((m) => m.from === 'vic6').map((m) => m.text);
    assert.deepEqual(texts, ['twenty', 'five']);
    a.close();
  });

  it('a refused packet may be sent again with the same id once the cause is gone', async () => {
    const a = await ChatosClient.login(addr, 'wes6');
    assert.equal(errorCode(await a.chat(1n, '', ' ')), ChatosError.MISSING_DATA);
    assert.deepEqual(await a.chat(1n, '', 'now with text'), { op: 'ACK', id: 1n });
    a.close();
  });

  it('ids are per connection: the same ids on a new connection of the same nickname are new messages', async () => {
    const native = await nativeUser(srv, 'nat6b');
    const a = await ChatosClient.login(addr, 'xena6');
    await a.chat(1n, '', 'first life');
    a.close();
    await native.next('PRESENCE', (f) => f.user === 'xena6' && f.event === 'leave');
    const again = await ChatosClient.login(addr, 'xena6');
    await again.chat(1n, '', 'second life');
    const texts = (await generalHistory()).filter((m) => m.from === 'xena6').map((m) => m.text);
    assert.deepEqual(texts, ['first life', 'second life']);
    again.close();
    native.close();
  });
});
