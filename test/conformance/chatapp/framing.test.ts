// Seed 004 §5 (transmitted message context: the 20-byte header and the JSON body) and §4.b (error
// messages) over real sockets: splits, limits and malformed input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeMessage, Limits } from '../../../src/gateways/chatapp/codec.js';
import { AppErrorCode } from '../../../src/gateways/chatapp/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatappAddress, ChatappClient, extraGateway, type Address } from './chatapp-client.js';

let srv: TestServer;
let addr: Address;
let quick: Awaited<ReturnType<typeof extraGateway>>;
before(async () => {
  srv = await startTestServer({ gateways: ['chatapp'] });
  addr = chatappAddress(srv);
  quick = await extraGateway(srv.server.node, { messageTimeoutMs: 150, connectTimeoutMs: 300, maxInbox: 8 });
});
after(async () => {
  await quick.close();
  await srv.close();
});

const header = (n: number | string): string => String(n).padEnd(Limits.HEADER, ' ');

describe('seed 004 §5 Transmitted Message Context', () => {
  it('a: reads a message sent one byte at a time, and many messages in one write, alike', async () => {
    const a = await ChatappClient.open(addr);
    const connect = encodeMessage('ConnectionMessage', 'bytewise', 'Server', 'CONNECT', '');
    for (const b of connect) a.send(Uint8Array.of(b));
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'general');
    const many = Buffer.concat([
      encodeMessage('CreateRoomMessage', 'bytewise', 'Server', 'split1', ''),
      encodeMessage('JoinMessage', 'bytewise', 'Server', 'general', ''),
      encodeMessage('ChatMessage', 'bytewise', 'general', 'coalesced', ''),
    ]);
    a.send(many);
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'split1');
    await a.nextOf('JoinMessage', (m) => m.data === 'general' && m.sender === 'bytewise');
    const echo = await a.nextOf('ChatMessage');
    assert.deepEqual([echo.sender, echo.dest, echo.data], ['bytewise', 'general', 'coalesced']);
    a.close();
  });

  it('b: a header announcing more than MAX_MSG is error 4 and ends the connection', async () => {
    const a = await ChatappClient.open(addr);
    a.send(header(Limits.MAX_MSG + 1));
    const e = await a.expectError(AppErrorCode.MESSAGE_TOO_LONG);
    assert.match(e.data, /exceeds 2000/);
    await a.closed;
  });

  it('b: a header that is not a left-justified integer is error 99 and ends the connection', async () => {
    const a = await ChatappClient.open(addr);
    a.send('   12x              {}');
    await a.expectError(AppErrorCode.GENERIC);
    await a.closed;
  });

  it('c: a body that is not JSON, not UTF-8, not an object, or of an unknown __type__ is error 99; the connection stays', async () => {
    const a = await ChatappClient.connect(addr, 'badbodies');
    for (const body of [Buffer.from('{"__type__": '), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from('[1,2]'), Buffer.from('{"__type__": "PrivateMessage", "data": "x"}'), Buffer.from('{"__type__": "ChatMessage", "data": 5}')]) {
      a.send(Buffer.concat([Buffer.from(header(body.length)), body]));
      await a.expectError(AppErrorCode.GENERIC);
    }
    a.msg('CreateRoomMessage', 'Server', 'stillhere');
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'stillhere');
    a.close();
  });

  it('a truncated message (its body never completed) is error 99 and ends the connection; others are untouched', async () => {
    const other = await ChatappClient.connect(quick.address, 'bystander');
    const a = await ChatappClient.connect(quick.address, 'truncator');
    a.send(`${header(100)}{"__type__": "Chat`);
    await a.expectError(AppErrorCode.GENERIC);
    await a.closed;
    other.msg('CreateRoomMessage', 'Server', 'afterwards');
    await other.nextOf('CreateRoomMessage', (m) => m.data === 'afterwards');
    other.close();
  });

  it('a client that floods (more messages waiting than the inbox holds) gets error 2 and is closed; others are untouched', async () => {
    const other = await ChatappClient.connect(quick.address, 'calmone');
    const a = await ChatappClient.connect(quick.address, 'flooder');
    a.send(Buffer.concat(Array.from({ length: 20 }, (_, i) => encodeMessage('CreateRoomMessage', 'flooder', 'Server', `flood${i}`, ''))));
    const e = await a.expectError(AppErrorCode.CONNECTION_LOST);
    assert.match(e.data, /^CONNECTION ERROR: lost connection from flooder/);
    await a.closed;
    // Nothing the flood carried was handled: the inbox was dropped with the connection.
    assert.equal(await srv.server.store.getRoom('#flood0'), undefined);
    other.msg('CreateRoomMessage', 'Server', 'calmroom');
    await other.nextOf('CreateRoomMessage', (m) => m.data === 'calmroom');
    other.close();
  });

  it('a connection that never sends CONNECT is closed with error 99', async () => {
    const a = await ChatappClient.open(quick.address);
    await a.expectError(AppErrorCode.GENERIC);
    await a.closed;
  });
});

describe('seed 004 §4.b Error Message Format', () => {
  it('errors are {"__type__": "Error", "code": <int>, "data": <text>} behind the same header', async () => {
    const a = await ChatappClient.open(addr);
    const raw: Buffer[] = [];
    const { connect } = await import('node:net');
    const s = connect({ host: addr.host, port: addr.port });
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    s.on('data', (d: Buffer) => raw.push(d));
    s.write(encodeMessage('ChatMessage', 'x', 'general', 'hi', ''));
    await new Promise<void>((resolve) => {
      const check = (): void => { if (Buffer.concat(raw).length >= Limits.HEADER) resolve(); else s.once('data', check); };
      check();
    });
    const bytes = Buffer.concat(raw);
    const length = Number(bytes.subarray(0, Limits.HEADER).toString().trim());
    const body = JSON.parse(bytes.subarray(Limits.HEADER, Limits.HEADER + length).toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['__type__', 'code', 'data']);
    assert.equal(body.__type__, 'Error');
    assert.equal(body.code, 99);
    s.destroy();
    a.close();
  });
});
