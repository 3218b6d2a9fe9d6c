// What an IRC user's message is when it reaches others (docs/irc.md §6.8, §7.3): a line that the
// source prefix makes too long is cut, never split, while the stored message keeps every byte.
import assert from 'node:assert/strict';
import { connect as connectTcp } from 'node:net';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const { native } = ircServer({ gateways: ['irc'] }, (s) => { srv = s; });

describe('IRC §7.3 messages: a relayed line stays within 512 bytes', () => {
  it('a full-length PRIVMSG reaches another IRC user as one line cut at a character boundary; natives get it whole', async () => {
    const nat = await native('wanda');
    const sender = await IrcTestClient.registered(srv, 'longsender');
    const receiver = await IrcTestClient.registered(srv, 'longreceiver');
    // `PRIVMSG longreceiver <text>` in 510 bytes, ending in a 4-byte character the cut must not split.
    const head = 'PRIVMSG longreceiver ';
    const text = `${'a'.repeat(510 - head.length - 4)}😃`;
    sender.send(`${head}${text}`);
    const got = await receiver.expect((m) => m.command === 'PRIVMSG');
    assert.ok(Buffer.byteLength(got.raw) + 2 <= 512, `${Buffer.byteLength(got.raw) + 2} bytes`);
    assert.ok(text.startsWith(got.params[1]) && got.params[1].length >= 400, got.params[1]);
    assert.ok(!got.params[1].includes('\uFFFD'));
    // The next line is the next message: nothing of the first was sent as a line of its own.
    sender.send('PRIVMSG longreceiver :next');
    assert.equal((await receiver.expect(() => true)).params[1], 'next');

    const whole = nat.once('message', (m) => m.from === 'longsender');
    sender.send(`PRIVMSG wanda ${text}`);
    assert.equal((await whole).text, text);
    sender.close();
    receiver.close();
  });
});

describe('IRC §6.8 NOTICE is stored as a notice', () => {
  it('other IRC users get a NOTICE as NOTICE, live and in history; its echo is a NOTICE; natives get its text', async () => {
    const nat = await native('nadia');
    await nat.create('#notices', '');
    const a = await IrcTestClient.registered(srv, 'noticer', { caps: ['echo-message', 'message-tags', 'batch', 'draft/chathistory'] });
    const b = await IrcTestClient.registered(srv, 'noticed');
    a.send('JOIN #notices');
    await a.numeric('366');
    b.send('JOIN #notices');
    await b.numeric('366');
    const arrives = nat.once('message', (m) => m.text === 'hello there');
    a.send('NOTICE #notices :hello there');
    const echo = await a.expect((m) => m.params[1] === 'hello there');
    assert.deepEqual([echo.command, echo.params[0]], ['NOTICE', '#notices']);
    const got = await b.expect((m) => m.params[1] === 'hello there');
    assert.deepEqual([got.command, got.source], ['NOTICE', 'noticer!noticer@confab']);
    assert.equal((await arrives).from, 'noticer');
    // A PRIVMSG stays a PRIVMSG, and a NOTICE in a DM is a NOTICE too.
    a.send('PRIVMSG #notices :plain');
    assert.equal((await b.expect((m) => m.params[1] === 'plain')).command, 'PRIVMSG');
    a.send('NOTICE noticed :just you');
    const dm = await b.expect((m) => m.params[1] === 'just you');
    assert.deepEqual([dm.command, dm.params[0]], ['NOTICE', 'noticed']);

    a.send('CHATHISTORY LATEST #notices * 10');
    const replayed = await a.expect((m) => m.params[1] === 'hello there' && m.tags.has('batch'));
    assert.equal(replayed.command, 'NOTICE');
    a.close();
    b.close();
  });
});

describe('IRC §5 message-tags: client-only tags and TAGMSG', () => {
  it('client-only tags reach clients with message-tags only, live; other tags are dropped; history has none', async () => {
    const a = await IrcTestClient.registered(srv, 'tagger', { caps: ['message-tags', 'echo-message', 'batch', 'draft/chathistory'] });
    const b = await IrcTestClient.registered(srv, 'tagreader', { caps: ['message-tags'] });
    const c = await IrcTestClient.registered(srv, 'tagless', { caps: ['server-time'] });
    for (const x of [a, b, c]) {
      x.send('JOIN #tags');
      await x.numeric('366');
    }
    a.send('@+draft/react=\\s👍;server-made=no PRIVMSG #tags :tagged');
    const echo = await a.expect((m) => m.params[1] === 'tagged');
    const got = await b.expect((m) => m.params[1] === 'tagged');
    for (const m of [echo, got]) {
      assert.equal(m.tags.get('+draft/react'), ' 👍', m.raw);
      assert.equal(m.tags.has('server-made'), false, m.raw);
    }
    assert.equal(echo.tags.get('msgid'), got.tags.get('msgid'));
    const plain = await c.expect((m) => m.params[1] === 'tagged');
    assert.equal(plain.tags.has('+draft/react'), false, plain.raw);
    // Not stored: the history has the message without them.
    a.send('CHATHISTORY LATEST #tags * 10');
    const replayed = await a.expect((m) => m.params[1] === 'tagged' && m.tags.has('batch'));
    assert.equal(replayed.tags.has('+draft/react'), false, replayed.raw);
    for (const x of [a, b, c]) x.close();
  });

  it('TAGMSG goes live to message-tags clients, with one msgid for receivers and echo; it is no message', async () => {
    const a = await IrcTestClient.registered(srv, 'typist', { caps: ['message-tags', 'echo-message', 'batch', 'draft/chathistory'] });
    const b = await IrcTestClient.registered(srv, 'watcher', { caps: ['message-tags'] });
    const c = await IrcTestClient.registered(srv, 'oblivious', { caps: ['server-time'] });
    for (const x of [a, b, c]) {
      x.send('JOIN #typing');
      await x.numeric('366');
    }
    a.send('@+typing=active;plain=x TAGMSG #typing');
    const echo = await a.expect((m) => m.command === 'TAGMSG');
    const got = await b.expect((m) => m.command === 'TAGMSG');
    assert.deepEqual([got.source, got.params, got.tags.get('+typing'), got.tags.has('plain')], ['typist!typist@confab', ['#typing'], 'active', false]);
    assert.equal(echo.tags.get('msgid'), got.tags.get('msgid'));
    // A DM TAGMSG is addressed to the recipient's nick.
    a.send('@+typing=done TAGMSG watcher');
    assert.deepEqual((await b.expect((m) => m.command === 'TAGMSG')).params, ['watcher']);
    // The one without message-tags sees nothing of either, and the history holds no message.
    c.send('PING sync');
    await c.expect((m) => m.command === 'PONG');
    assert.ok(!c.lines.some((m) => m.command === 'TAGMSG'));
    a.send('CHATHISTORY LATEST #typing * 10');
    const end = await a.expect((m) => m.command === 'BATCH' && m.params[0].startsWith('-'));
    assert.ok(!a.lines.slice(a.lines.indexOf(end) - 2).some((m) => m.command === 'TAGMSG' && m.tags.has('batch')));
    // Wrong state first: a channel the sender is not on is refused as PRIVMSG is.
    a.send('@+typing=active TAGMSG #nowhere-at-all');
    await a.numeric('403');
    for (const x of [a, b, c]) x.close();
  });

  it('more than 4094 bytes of client tag data is 417 and nothing is relayed', async () => {
    const a = await IrcTestClient.registered(srv, 'bigtags', { caps: ['message-tags'] });
    const b = await IrcTestClient.registered(srv, 'bigreader', { caps: ['message-tags'] });
    for (const x of [a, b]) {
      x.send('JOIN #bigtags');
      await x.numeric('366');
    }
    // '@' and ' ' around 4094 bytes of tag data: the most a client may send.
    const at = (n: number): string => `@+big=${'a'.repeat(n - 5)}`;
    a.send(`${at(4095)} TAGMSG #bigtags`);
    await a.numeric('417');
    a.send(`${at(4094)} TAGMSG #bigtags`);
    assert.equal((await b.expect((m) => m.command === 'TAGMSG')).tags.get('+big')?.length, 4094 - 5);
    a.close();
    b.close();
  });
});

describe('IRC §6.2 PART and QUIT reasons', () => {
  it('members see PART with its reason, and a guest quitting as one QUIT :Quit: <reason>, not a PART per channel', async () => {
    const stays = await IrcTestClient.registered(srv, 'stayer', { caps: ['away-notify'] });
    const goes = await IrcTestClient.registered(srv, 'goer');
    for (const room of ['#bye1', '#bye2', '#bye3']) {
      for (const x of [stays, goes]) {
        x.send(`JOIN ${room}`);
        await x.expect((m) => m.command === '366' && m.params[1] === room);
      }
    }
    goes.send('PART #bye1 :bye everyone');
    assert.deepEqual((await goes.expect((m) => m.command === 'PART')).params, ['#bye1', 'bye everyone']);
    assert.deepEqual((await stays.expect((m) => m.command === 'PART')).params, ['#bye1', 'bye everyone']);
    // Without a reason there is none.
    goes.send('PART #bye2');
    assert.deepEqual((await stays.expect((m) => m.command === 'PART')).params, ['#bye2']);
    goes.send('JOIN #bye2');
    await stays.expect((m) => m.command === 'JOIN' && m.params[0] === '#bye2');

    goes.send('QUIT :goer out');
    await goes.ended();
    const quit = await stays.expect((m) => m.command === 'QUIT' || m.command === 'PART');
    assert.deepEqual([quit.command, quit.source, quit.params], ['QUIT', 'goer!goer@confab', ['Quit: goer out']]);
    // Once the channels no longer list the guest its leaves have been told: none of them as a PART.
    for (let gone = false; !gone;) {
      const lists = [];
      for (const room of ['#bye2', '#bye3']) {
        stays.send(`NAMES ${room}`);
        lists.push(await stays.numeric('353'));
      }
      gone = lists.every((l) => !l.params[3].split(' ').includes('goer'));
    }
    stays.send('PING after-quit');
    await stays.expect((m) => m.command === 'PONG' && m.params[1] === 'after-quit');
    assert.ok(!stays.lines.slice(stays.lines.indexOf(quit)).some((m) => m.command === 'PART'));
    stays.close();
  });

  it('the QUIT reaches the members at once, though the quitting client keeps its side of the socket open', async () => {
    const stays = await IrcTestClient.registered(srv, 'watchful');
    stays.send('JOIN #halfopen');
    await stays.numeric('366');
    const at = srv.server.irc;
    if (!at) throw new Error('IRC is not listening');
    // A client that reads the ERROR and does not close: the server's FIN must not wait for it.
    const lingering = connectTcp({ host: at.host, port: at.port, allowHalfOpen: true });
    let heard = '';
    const hear = (what: string): Promise<void> => new Promise((resolve) => {
      const check = (): void => {
        if (!heard.includes(what)) return;
        lingering.off('data', onData);
        resolve();
      };
      const onData = (b: Buffer): void => { heard += b.toString('utf8'); check(); };
      lingering.on('data', onData);
      check();
    });
    lingering.write('NICK lingerer\r\nUSER lingerer 0 * :l\r\nJOIN #halfopen\r\n');
    await hear(' 366 ');
    await stays.expect((m) => m.command === 'JOIN' && m.source?.startsWith('lingerer!') === true);
    lingering.write('QUIT :later\r\n');
    await hear('ERROR');
    // Well before the transport gives up on the socket (5 s), which is when it would end otherwise.
    const quit = await stays.expect((m) => m.command === 'QUIT', 2500);
    assert.deepEqual([quit.source, quit.params], ['lingerer!lingerer@confab', ['Quit: later']]);
    lingering.destroy();
    stays.close();
  });
});

describe('IRC §3.3 UTF-8 only', () => {
  it('a PRIVMSG that is not UTF-8 reaches nobody and is answered FAIL PRIVMSG INVALID_UTF8, with its label', async () => {
    const a = await IrcTestClient.registered(srv, 'latin1', { caps: ['labeled-response', 'batch', 'echo-message', 'message-tags'] });
    const b = await IrcTestClient.registered(srv, 'utf8reader');
    a.writeRaw(Buffer.concat([Buffer.from('@label=u1 PRIVMSG utf8reader :caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]));
    const fail = await a.expect((m) => m.command === 'FAIL');
    assert.deepEqual([fail.params[0], fail.params[1], fail.tags.get('label')], ['PRIVMSG', 'INVALID_UTF8', 'u1']);
    a.send('PRIVMSG utf8reader :café');
    assert.equal((await b.expect((m) => m.command === 'PRIVMSG')).params[1], 'café', 'the first one never came');
    a.close();
    b.close();
  });
});

describe('IRC §6.8 messages to oneself', () => {
  it('a PRIVMSG, NOTICE or TAGMSG to oneself is received as by anyone, besides its echo; only the echo carries the label', async () => {
    const caps = ['echo-message', 'batch', 'labeled-response', 'message-tags'];
    const me = await IrcTestClient.registered(srv, 'narcissus', { caps });
    for (const [command, line] of [['PRIVMSG', 'PRIVMSG narcissus :hi me'], ['NOTICE', 'NOTICE narcissus :note to self'], ['TAGMSG', '+draft/react=x TAGMSG narcissus']] as const) {
      me.send(command === 'TAGMSG' ? `@label=s-${command};${line}` : `@label=s-${command} ${line}`);
      const two = [await me.expect((m) => m.command === command), await me.expect((m) => m.command === command)];
      assert.deepEqual(two.map((m) => m.params[0]), ['narcissus', 'narcissus']);
      assert.deepEqual(two.map((m) => m.tags.get('label')).filter((l) => l !== undefined), [`s-${command}`], command);
      assert.equal(two[0].tags.get('msgid'), two[1].tags.get('msgid'));
    }
    // Without echo-message the one received copy is all there is.
    const plain = await IrcTestClient.registered(srv, 'echo');
    plain.send('PRIVMSG echo :only once');
    plain.send('PING sync');
    await plain.expect((m) => m.command === 'PONG');
    assert.equal(plain.lines.filter((m) => m.command === 'PRIVMSG').length, 1);
    me.close();
    plain.close();
  });
});
