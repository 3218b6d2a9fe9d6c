// IRCv3 draft/chathistory on confab's history (docs/irc.md §6.14): what a user may read, and only
// that, by message reference, in a chathistory batch. Tested from the outsider's side first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient, type Received } from './irc-client.js';

const CAPS = ['batch', 'server-time', 'message-tags', 'echo-message', 'draft/chathistory'];

let srv: TestServer;
let alice: IrcTestClient;
let bob: IrcTestClient;
let carol: IrcTestClient;
/** The msgids of the five messages alice sent to #hist, oldest first. */
const ids: string[] = [];

before(async () => {
  srv = await startTestServer({ gateways: ['irc'] });
  alice = await IrcTestClient.registered(srv, 'alice', { caps: CAPS });
  bob = await IrcTestClient.registered(srv, 'bob', { caps: CAPS });
  carol = await IrcTestClient.registered(srv, 'carol', { caps: CAPS });
  alice.send('JOIN #hist');
  await alice.numeric('366');
  for (let i = 1; i <= 5; i++) {
    alice.send(`PRIVMSG #hist :m${i}`);
    const echo = await alice.expect((m) => m.command === 'PRIVMSG' && m.params[1] === `m${i}`);
    ids.push(echo.tags.get('msgid') ?? '');
  }
  alice.send('PRIVMSG bob :just between us');
  await alice.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'just between us');
});
after(async () => {
  for (const c of [alice, bob, carol]) c.close();
  await srv.close();
});

/** Sends a CHATHISTORY command and collects its batch: the opening line and the lines in it. */
async function batch(c: IrcTestClient, line: string): Promise<{ open: Received; lines: Received[] }> {
  c.send(line);
  const open = await c.expect((m) => m.command === 'BATCH' && m.params[0].startsWith('+'));
  const ref = open.params[0].slice(1);
  const lines: Received[] = [];
  for (;;) {
    const m = await c.expect(() => true);
    if (m.command === 'BATCH' && m.params[0] === `-${ref}`) return { open, lines };
    assert.equal(m.tags.get('batch'), ref, m.raw);
    lines.push(m);
  }
}

const texts = (lines: Received[]): string[] => lines.map((m) => m.params[1]);

async function failure(c: IrcTestClient, line: string): Promise<Received> {
  c.send(line);
  return c.expect((m) => m.command === 'FAIL');
}

describe('IRC §6.14 CHATHISTORY: what the user may not read', () => {
  it('a room the user is not in is INVALID_TARGET, and none of its messages reach it', async () => {
    for (const sub of ['LATEST #hist * 10', 'BEFORE #hist msgid=' + String(Number.MAX_SAFE_INTEGER) + ' 10', `AROUND #hist msgid=${ids[2]} 10`]) {
      const f = await failure(carol, `CHATHISTORY ${sub}`);
      assert.deepEqual(f.params.slice(0, 4), ['CHATHISTORY', 'INVALID_TARGET', sub.split(' ')[0], '#hist']);
    }
    // A room that does not exist gets the same answer: the reply tells nothing of which it is.
    const none = await failure(carol, 'CHATHISTORY LATEST #nowhere * 10');
    assert.deepEqual(none.params.slice(0, 4), ['CHATHISTORY', 'INVALID_TARGET', 'LATEST', '#nowhere']);
    assert.ok(!carol.lines.some((m) => m.command === 'PRIVMSG'), 'no message of #hist reached carol');
  });

  it('a direct conversation is only between the user and the other party', async () => {
    // carol names alice: her own conversation with alice, which is empty; never alice's with bob.
    const { open, lines } = await batch(carol, 'CHATHISTORY LATEST alice * 10');
    assert.deepEqual(open.params.slice(1), ['chathistory', 'alice']);
    assert.deepEqual(lines, []);
    const own = await batch(bob, 'CHATHISTORY LATEST alice * 10');
    assert.deepEqual(texts(own.lines), ['just between us']);
    assert.equal(own.lines[0].source, 'alice!alice@confab');
    assert.equal(own.lines[0].params[0], 'bob');
  });

  it('a room the user has left is INVALID_TARGET, and TARGETS no longer lists it', async () => {
    carol.send('JOIN #brief');
    await carol.numeric('366');
    carol.send('PRIVMSG #brief :passing through');
    await carol.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'passing through');
    assert.deepEqual(texts((await batch(carol, 'CHATHISTORY LATEST #brief * 10')).lines), ['passing through']);
    carol.send('PART #brief');
    await carol.expect((m) => m.command === 'PART');
    const f = await failure(carol, 'CHATHISTORY BEFORE #brief timestamp=2100-01-01T00:00:00Z 10');
    assert.deepEqual(f.params.slice(0, 4), ['CHATHISTORY', 'INVALID_TARGET', 'BEFORE', '#brief']);
    const { lines } = await batch(carol, 'CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10');
    assert.deepEqual(lines, []);
  });

  it('a user that does not exist is INVALID_TARGET', async () => {
    const f = await failure(carol, 'CHATHISTORY LATEST nobody-here * 10');
    assert.deepEqual(f.params.slice(0, 4), ['CHATHISTORY', 'INVALID_TARGET', 'LATEST', 'nobody-here']);
  });

  it('TARGETS lists only the rooms the user is in and its own direct conversations', async () => {
    const { open, lines } = await batch(carol, 'CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 10');
    assert.deepEqual(open.params.slice(1), ['draft/chathistory-targets']);
    assert.deepEqual(lines, []);
  });
});

describe('IRC §6.14 CHATHISTORY: parameters', () => {
  it('malformed references, limits and subcommands are standard replies', async () => {
    const cases: [string, string[]][] = [
      ['CHATHISTORY BEFORE #hist msgid=abc 10', ['INVALID_PARAMS', 'BEFORE', 'msgid=abc']],
      ['CHATHISTORY BEFORE #hist * 10', ['INVALID_PARAMS', 'BEFORE', '*']],
      ['CHATHISTORY AFTER #hist timestamp=yesterday 10', ['INVALID_PARAMS', 'AFTER', 'timestamp=yesterday']],
      [`CHATHISTORY LATEST #hist msgid=${ids[0]} 0`, ['INVALID_PARAMS', 'LATEST', '0']],
      ['CHATHISTORY LATEST #hist * many', ['INVALID_PARAMS', 'LATEST', 'many']],
      ['CHATHISTORY BETWEEN #hist msgid=1 5', ['NEED_MORE_PARAMS', 'BETWEEN']],
      ['CHATHISTORY TARGETS msgid=1 timestamp=2100-01-01T00:00:00Z 5', ['INVALID_PARAMS', 'TARGETS', 'msgid=1']],
      ['CHATHISTORY SIDEWAYS #hist * 5', ['INVALID_PARAMS', 'SIDEWAYS']],
      ['CHATHISTORY', ['NEED_MORE_PARAMS', '*']],
    ];
    for (const [line, want] of cases) {
      const f = await failure(alice, line);
      assert.deepEqual(f.params.slice(1, 1 + want.length), want, line);
    }
  });
});

describe('IRC §6.14 CHATHISTORY: the subcommands', () => {
  it('LATEST * gives the newest messages, oldest first, with time, msgid and the sender', async () => {
    const { open, lines } = await batch(alice, 'CHATHISTORY LATEST #hist * 3');
    assert.deepEqual(open.params.slice(1), ['chathistory', '#hist']);
    assert.deepEqual(texts(lines), ['m3', 'm4', 'm5']);
    assert.deepEqual(lines.map((m) => m.tags.get('msgid')), ids.slice(2));
    for (const m of lines) {
      assert.equal(m.source, 'alice!alice@confab');
      assert.equal(m.params[0], '#hist');
      assert.match(m.tags.get('time') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('LATEST after a msgid, BEFORE and AFTER a msgid', async () => {
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY LATEST #hist msgid=${ids[1]} 2`)).lines), ['m4', 'm5']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BEFORE #hist msgid=${ids[2]} 10`)).lines), ['m1', 'm2']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY AFTER #hist msgid=${ids[2]} 1`)).lines), ['m4']);
  });

  it('AROUND a msgid includes it, half before', async () => {
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY AROUND #hist msgid=${ids[2]} 3`)).lines), ['m2', 'm3', 'm4']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY AROUND #hist msgid=${ids[2]} 1`)).lines), ['m3']);
  });

  it('BETWEEN forward from the earlier reference, and back from the later one', async () => {
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BETWEEN #hist msgid=${ids[0]} msgid=${ids[4]} 2`)).lines), ['m2', 'm3']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BETWEEN #hist msgid=${ids[4]} msgid=${ids[0]} 2`)).lines), ['m3', 'm4']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BETWEEN #hist msgid=${ids[0]} msgid=${ids[4]} 100`)).lines), ['m2', 'm3', 'm4']);
  });

  it('timestamps bound by time', async () => {
    const past = 'timestamp=2000-01-01T00:00:00.000Z';
    const future = 'timestamp=2100-01-01T00:00:00Z';
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY AFTER #hist ${past} 2`)).lines), ['m1', 'm2']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BEFORE #hist ${future} 2`)).lines), ['m4', 'm5']);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BEFORE #hist ${past} 2`)).lines), []);
    assert.deepEqual(texts((await batch(alice, `CHATHISTORY BETWEEN #hist ${past} ${future} 100`)).lines), ['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('a limit over CHATHISTORY= is taken as the maximum, which ISUPPORT states', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('NICK dora');
    c.send('USER dora 0 * :dora');
    const tokens = [];
    await c.numeric('001');
    for (;;) {
      const m = await c.expect((l) => l.command === '005' || l.command === '251');
      if (m.command === '251') break;
      tokens.push(...m.params.slice(1, -1));
    }
    assert.ok(tokens.includes('CHATHISTORY=100'), tokens.join(' '));
    assert.ok(tokens.includes('MSGREFTYPES=msgid,timestamp'), tokens.join(' '));
    c.close();
    assert.deepEqual(texts((await batch(alice, 'CHATHISTORY LATEST #hist * 100000')).lines), ['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('a direct conversation from the sender side shows its messages to the other party', async () => {
    const { open, lines } = await batch(alice, 'CHATHISTORY LATEST bob * 10');
    assert.deepEqual(open.params.slice(1), ['chathistory', 'bob']);
    assert.deepEqual(texts(lines), ['just between us']);
    assert.deepEqual([lines[0].source, lines[0].params[0]], ['alice!alice@confab', 'bob']);
  });

  it('TARGETS lists the conversations with messages between two times, oldest first', async () => {
    const { lines } = await batch(alice, 'CHATHISTORY TARGETS timestamp=2100-01-01T00:00:00.000Z timestamp=2000-01-01T00:00:00.000Z 10');
    assert.deepEqual(lines.map((m) => [m.command, m.params[0], m.params[1]]), [['CHATHISTORY', 'TARGETS', '#hist'], ['CHATHISTORY', 'TARGETS', 'bob']]);
    for (const m of lines) assert.match(m.params[2], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const one = await batch(alice, 'CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 1');
    assert.deepEqual(one.lines.map((m) => m.params[1]), ['#hist']);
  });

  it('without batch the lines come unwrapped', async () => {
    const eve = await IrcTestClient.registered(srv, 'eve', { caps: ['message-tags'] });
    eve.send('JOIN #hist');
    // The history played on JOIN comes before the PONG; what follows it is CHATHISTORY's.
    eve.send('PING mark');
    await eve.expect((m) => m.command === 'PONG');
    eve.send('CHATHISTORY LATEST #hist * 2');
    const a = await eve.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'm4');
    assert.equal(a.tags.get('batch'), undefined);
    await eve.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'm5');
    eve.close();
  });
});
