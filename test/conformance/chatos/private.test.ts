// Seed 003 §8 (private asks) and §9 (private connection acceptation) over real sockets, between
// ChatOS users and between a ChatOS user and a native user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodePrivateAnswer, encodePrivateAsk, Opcode } from '../../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../../src/gateways/chatos/errors.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatosAddress, ChatosClient, errorCode, nativeUser, type Address } from './chatos-client.js';

let srv: TestServer;
let addr: Address;

before(async () => {
  srv = await startTestServer({ gateways: ['chatos'] });
  addr = chatosAddress(srv);
});
after(() => srv.close());

/** Two ChatOS users; `asker` asks `answerer`, who answers `accept`. */
async function connect(asker: ChatosClient, answerer: ChatosClient, askerNick: string, answererNick: string, accept: boolean): Promise<void> {
  asker.send(encodePrivateAsk(answererNick));
  assert.deepEqual(await answerer.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: askerNick });
  answerer.send(encodePrivateAnswer(accept, askerNick));
  assert.deepEqual(await asker.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept, nick: answererNick });
}

describe('seed 003 §8 Private asks packet', () => {
  it('is relayed to the user asked, carrying the nickname of the asker; no answer goes to the asker', async () => {
    const a = await ChatosClient.login(addr, 'amy8');
    const b = await ChatosClient.login(addr, 'ben8');
    a.send(encodePrivateAsk('BEN8'));
    assert.deepEqual(await b.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: 'amy8' });
    assert.ok(await a.none(() => true));
    a.close();
    b.close();
  });

  it('asking a user who does not exist is error 3; an empty nickname error 1; oneself error 2', async () => {
    const a = await ChatosClient.login(addr, 'cy8');
    a.send(encodePrivateAsk('ghost8'));
    await a.expectError(ChatosError.NO_SUCH_USER);
    a.send(encodePrivateAsk(''));
    await a.expectError(ChatosError.MISSING_DATA);
    a.send(encodePrivateAsk('cy8'));
    await a.expectError(ChatosError.BAD_DATA);
    a.close();
  });

  it('asking again once connected is answered at once with a yes from that user', async () => {
    const a = await ChatosClient.login(addr, 'dan8');
    const b = await ChatosClient.login(addr, 'eve8');
    await connect(a, b, 'dan8', 'eve8', true);
    a.send(encodePrivateAsk('eve8'));
    assert.deepEqual(await a.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: true, nick: 'eve8' });
    assert.ok(await b.none((p) => p.op === 'PRIVATE_ASK'));
    a.close();
    b.close();
  });

  it('a native user asking a ChatOS user for DMs reaches it as a private ask', async () => {
    const native = await nativeUser(srv, 'nat8a');
    const a = await ChatosClient.login(addr, 'fox8');
    await native.request({ type: 'CONSENT_ASK', ref: native.nextRef(), user: 'fox8' }, 'OK');
    assert.deepEqual(await a.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: 'nat8a' });
    a.send(encodePrivateAnswer(true, 'nat8a'));
    const consent = await native.next('CONSENT');
    assert.deepEqual({ user: consent.user, accept: consent.accept }, { user: 'fox8', accept: true });
    assert.deepEqual(await a.chat(1n, 'nat8a', 'hi native'), { op: 'ACK', id: 1n });
    const msg = await native.next('MSG');
    assert.deepEqual({ from: msg.msg.from, to: msg.msg.to, text: msg.msg.text }, { from: 'fox8', to: ['nat8a'], text: 'hi native' });
    a.close();
    native.close();
  });
});

describe('seed 003 §9 Private connection acceptation packet', () => {
  it('a yes reaches the asker with the nickname of the user who answered; then both may write privately', async () => {
    const a = await ChatosClient.login(addr, 'gil9');
    const b = await ChatosClient.login(addr, 'hana9');
    const c = await ChatosClient.login(addr, 'ivo9');
    await connect(a, b, 'gil9', 'hana9', true);
    assert.deepEqual(await a.chat(1n, 'hana9', 'just us'), { op: 'ACK', id: 1n });
    const got = await b.next('CHAT');
    assert.deepEqual({ target: got.target, text: got.text }, { target: 'gil9', text: 'just us' });
    assert.deepEqual(await b.chat(1n, 'gil9', 'indeed'), { op: 'ACK', id: 1n });
    const back = await a.next('CHAT');
    assert.deepEqual({ target: back.target, text: back.text }, { target: 'hana9', text: 'indeed' });
    // Nobody else sees it.
    assert.ok(await c.none((p) => p.op === 'CHAT'));
    // Others still need their own connection.
    assert.equal(errorCode(await c.chat(1n, 'hana9', 'me too?')), ChatosError.NO_PRIVATE_CONNECTION);
    for (const x of [a, b, c]) x.close();
  });

  it('a no reaches the asker, and private messages stay refused with error 4', async () => {
    const a = await ChatosClient.login(addr, 'jay9');
    const b = await ChatosClient.login(addr, 'kai9');
    await connect(a, b, 'jay9', 'kai9', false);
    assert.equal(errorCode(await a.chat(1n, 'kai9', 'please')), ChatosError.NO_PRIVATE_CONNECTION);
    assert.equal(errorCode(await b.chat(1n, 'jay9', 'no')), ChatosError.NO_PRIVATE_CONNECTION);
    a.close();
    b.close();
  });

  it('answering someone who never asked is error 2; answering a user who is gone is error 3', async () => {
    const a = await ChatosClient.login(addr, 'lou9');
    const b = await ChatosClient.login(addr, 'mia9');
    b.send(encodePrivateAnswer(true, 'lou9'));
    await b.expectError(ChatosError.BAD_DATA);
    assert.ok(await a.none((p) => p.op === 'PRIVATE_ANSWER'));
    assert.equal(errorCode(await b.chat(1n, 'lou9', 'sneaky')), ChatosError.NO_PRIVATE_CONNECTION);
    b.send(encodePrivateAnswer(true, 'gone9'));
    await b.expectError(ChatosError.NO_SUCH_USER);
    b.send(encodePrivateAnswer(true, ''));
    await b.expectError(ChatosError.MISSING_DATA);
    a.close();
    b.close();
  });

  it('a boolean other than 0 or 1 is error 2', async () => {
    const a = await ChatosClient.login(addr, 'ned9');
    const b = await ChatosClient.login(addr, 'ola9');
    a.send(encodePrivateAsk('ola9'));
    await b.next('PRIVATE_ASK');
    b.send(Buffer.concat([Buffer.from([0, Opcode.PRIVATE_ANSWER, 7]), Buffer.from('ned9\0')]));
    await b.expectError(ChatosError.BAD_DATA);
    assert.ok(await a.none((p) => p.op === 'PRIVATE_ANSWER'));
    a.close();
    b.close();
  });

  it('ChatOS <-> native: a ChatOS ask reaches the native user as CONSENT_ASK; its acceptance opens DMs both ways', async () => {
    const native = await nativeUser(srv, 'nat9');
    const a = await ChatosClient.login(addr, 'pam9');
    assert.equal(errorCode(await a.chat(1n, 'nat9', 'before')), ChatosError.NO_PRIVATE_CONNECTION);
    a.send(encodePrivateAsk('NAT9'));
    const ask = await native.next('CONSENT_ASK');
    assert.equal(ask.user, 'pam9');
    await native.request({ type: 'CONSENT', ref: native.nextRef(), user: 'pam9', accept: true }, 'OK');
    assert.deepEqual(await a.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: true, nick: 'nat9' });

    assert.deepEqual(await a.chat(2n, 'nat9', 'hello native'), { op: 'ACK', id: 2n });
    const msg = await native.next('MSG');
    assert.deepEqual({ from: msg.msg.from, to: msg.msg.to, text: msg.msg.text }, { from: 'pam9', to: ['nat9'], text: 'hello native' });

    await native.request({ type: 'SEND', ref: native.nextRef(), cid: 'd1', to: ['pam9'], text: 'hello chatos' }, 'ACK');
    const got = await a.next('CHAT');
    assert.deepEqual({ target: got.target, text: got.text }, { target: 'nat9', text: 'hello chatos' });
    const history = await native.request({ type: 'HISTORY', ref: native.nextRef(), with: 'pam9', before: 0, after: 0, limit: 10 }, 'MESSAGES');
    assert.deepEqual(history.messages.map((m) => m.text), ['hello native', 'hello chatos']);
    a.close();
    native.close();
  });

  it('a native DM to a ChatOS user needs the private connection too: CONSENT_REQUIRED, and the ask reaches the ChatOS user', async () => {
    const native = await nativeUser(srv, 'nat9c');
    const a = await ChatosClient.login(addr, 'rae9');
    const refused = await native.expectError({ type: 'SEND', ref: native.nextRef(), cid: 'u1', to: ['rae9'], text: 'unasked' });
    assert.equal(refused, ErrorCode.CONSENT_REQUIRED);
    assert.deepEqual(await a.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: 'nat9c' });
    assert.ok(await a.none((p) => p.op === 'CHAT'));
    a.send(encodePrivateAnswer(true, 'nat9c'));
    await native.next('CONSENT');
    await native.request({ type: 'SEND', ref: native.nextRef(), cid: 'u2', to: ['rae9'], text: 'asked now' }, 'ACK');
    const got = await a.next('CHAT');
    assert.deepEqual({ target: got.target, text: got.text }, { target: 'nat9c', text: 'asked now' });
    a.close();
    native.close();
  });

  it('a private connection ends with the ChatOS user: the next user of that nickname must ask again', async () => {
    const a = await ChatosClient.login(addr, 'sol9');
    const b = await ChatosClient.login(addr, 'tam9');
    await connect(a, b, 'sol9', 'tam9', true);
    a.close();
    await srv.quiet('sol9');
    const again = await ChatosClient.login(addr, 'sol9');
    assert.equal(errorCode(await again.chat(1n, 'tam9', 'remember me?')), ChatosError.NO_PRIVATE_CONNECTION);
    assert.equal(errorCode(await b.chat(1n, 'sol9', 'who is this?')), ChatosError.NO_PRIVATE_CONNECTION);
    again.close();
    b.close();
  });

  it('ChatOS <-> native: a native refusal reaches the ChatOS asker as a no', async () => {
    const native = await nativeUser(srv, 'nat9b');
    const a = await ChatosClient.login(addr, 'quy9');
    a.send(encodePrivateAsk('nat9b'));
    await native.next('CONSENT_ASK');
    await native.request({ type: 'CONSENT', ref: native.nextRef(), user: 'quy9', accept: false }, 'OK');
    assert.deepEqual(await a.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: false, nick: 'nat9b' });
    assert.equal(errorCode(await a.chat(1n, 'nat9b', 'still?')), ChatosError.NO_PRIVATE_CONNECTION);
    a.close();
    native.close();
  });
});
