// Seed 003 §7 (error codes and packet): every code with the trigger docs/chatos.md §6 gives it,
// and the stream faults that end a connection without touching the others.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeChat, encodeLogin, encodePrivateAsk, Opcode } from '../../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../../src/gateways/chatos/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatosAddress, ChatosClient, errorCode, extraGateway, type Address } from './chatos-client.js';

let srv: TestServer;
let addr: Address;
let quick: Awaited<ReturnType<typeof extraGateway>>;

before(async () => {
  srv = await startTestServer({ gateways: ['chatos'] });
  addr = chatosAddress(srv);
  quick = await extraGateway(srv.server.node, { packetTimeoutMs: 100, maxInbox: 8 });
});
after(async () => {
  await quick.close();
  await srv.close();
});

describe('seed 003 §7 Error Code and Packet', () => {
  it('code 1 (missing data): a packet left unfinished, or an empty required string', async () => {
    const a = await ChatosClient.login(quick.address, 'ann7');
    a.send(encodeChat(1n, '', 'no end').subarray(0, 12));
    const e = await a.expectError(ChatosError.MISSING_DATA, 3000);
    assert.match(e.text, /not completed/);
    assert.equal(errorCode(await a.chat(2n, '', '')), ChatosError.MISSING_DATA);
    a.close();
  });

  it('code 2 (error in data): a bad boolean, bad UTF-8, an overlong string, a name outside the rules', async () => {
    const a = await ChatosClient.open(addr);
    a.send(Buffer.from([0, Opcode.LOGIN, 0xff, 0xfe, 0]));
    assert.match((await a.expectError(ChatosError.BAD_DATA)).text, /UTF-8/);
    a.send(encodeLogin('n'.repeat(129)));
    assert.match((await a.expectError(ChatosError.BAD_DATA)).text, /longer than 128 bytes/);
    a.send(encodeLogin('#chan'));
    await a.expectError(ChatosError.BAD_DATA);
    a.close();
  });

  it('code 2, fatal: an unknown opcode cannot be skipped (no length): error packet, then the connection is closed', async () => {
    const other = await ChatosClient.login(addr, 'bea7');
    const a = await ChatosClient.open(addr);
    a.send(Buffer.from([0, 6, 1, 2, 3]));
    const e = await a.expectError(ChatosError.BAD_DATA);
    assert.equal(e.text, 'unknown opcode 6');
    await a.closed;
    const b = await ChatosClient.open(addr);
    b.send(Buffer.from([0xff, 0xff]));
    assert.equal((await b.expectError(ChatosError.BAD_DATA)).text, 'unknown opcode -1');
    await b.closed;
    assert.deepEqual(await other.chat(1n, '', 'unbothered'), { op: 'ACK', id: 1n });
    other.close();
  });

  it('code 2, fatal: a string running past every bound (64 KiB skipped) ends the connection', async () => {
    const a = await ChatosClient.login(addr, 'cat7');
    const head = encodeChat(1n, '', 'x').subarray(0, 11);
    a.send(Buffer.concat([head, Buffer.alloc(70_000, 0x41)]));
    assert.match((await a.expectError(ChatosError.BAD_DATA)).text, /far too long/);
    await a.closed;
  });

  it('code 3 (the user asked does not exist): private packets naming nobody', async () => {
    const a = await ChatosClient.login(addr, 'dee7');
    assert.equal(errorCode(await a.chat(1n, 'nobody7', 'hi')), ChatosError.NO_SUCH_USER);
    a.send(encodePrivateAsk('nobody7'));
    await a.expectError(ChatosError.NO_SUCH_USER);
    a.close();
  });

  it('code 4 (no private connection): a private message before the other accepted', async () => {
    const a = await ChatosClient.login(addr, 'eli7');
    const b = await ChatosClient.login(addr, 'fin7');
    const e = await a.chat(1n, 'fin7', 'hi');
    assert.equal(errorCode(e), ChatosError.NO_PRIVATE_CONNECTION);
    assert.match(e.op === 'ERROR' ? e.text : '', /^packet 1: fin7 has not accepted/);
    a.close();
    b.close();
  });

  it('code 5 (nickname in use): a login with a nickname held by someone', async () => {
    const a = await ChatosClient.login(addr, 'gwen7');
    const b = await ChatosClient.open(addr);
    b.send(encodeLogin('gwen7'));
    await b.expectError(ChatosError.NICKNAME_IN_USE);
    a.close();
    b.close();
  });

  it('code 6 (try later): more packets waiting than the connection may hold; the connection is closed', async () => {
    const a = await ChatosClient.open(quick.address);
    const many: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) many.push(encodeLogin(`flood${i}`));
    a.send(Buffer.concat(many));
    await a.nextWhere((p) => p.op === 'ERROR' && p.code === ChatosError.TRY_LATER, 'error 6');
    await a.closed;
  });
});

describe('seed 003 §7 Error Code and Packet: server limits', () => {
  it('code 6 (try later): a flood past the rate limit; the refused packet can be sent again', async () => {
    const limited = await startTestServer({ gateways: ['chatos'], rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const a = await ChatosClient.login(chatosAddress(limited), 'hal7');
      assert.deepEqual(await a.chat(1n, '', 'one'), { op: 'ACK', id: 1n });
      assert.deepEqual(await a.chat(2n, '', 'two'), { op: 'ACK', id: 2n });
      assert.equal(errorCode(await a.chat(3n, '', 'three')), ChatosError.TRY_LATER);
      a.close();
    } finally {
      await limited.close();
    }
  });

  it('code 7 (unavailable): logins on a server without guests, and the server shutting down', async () => {
    const closed = await startTestServer({ gateways: ['chatos'], guests: false });
    const a = await ChatosClient.open(chatosAddress(closed));
    a.send(encodeLogin('ivy7'));
    await a.expectError(ChatosError.UNAVAILABLE);
    a.close();
    await closed.close();

    const stopping = await startTestServer({ gateways: ['chatos'] });
    const b = await ChatosClient.login(chatosAddress(stopping), 'jade7');
    const closing = stopping.close();
    const e = await b.expectError(ChatosError.UNAVAILABLE);
    assert.match(e.text, /shutting down/);
    await b.closed;
    await closing;
  });
});
