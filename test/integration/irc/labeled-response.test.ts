// IRCv3 labeled-response (docs/irc.md §5.2): every command's replies carry its label, whatever the
// command: one reply tagged, several in a labeled-response batch, none as ACK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient, type Received } from './irc-client.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['irc'] }); });
after(async () => { await srv.close(); });

const CAPS = ['batch', 'message-tags', 'labeled-response', 'draft/chathistory', 'echo-message'];

/** The lines of the labeled-response batch opened with `label`, the opening line first. */
async function labeledBatch(c: IrcTestClient, label: string): Promise<Received[]> {
  const open = await c.expect((m) => m.command === 'BATCH' && m.tags.get('label') === label);
  assert.equal(open.params[1], 'labeled-response');
  const ref = open.params[0].slice(1);
  const lines = [open];
  for (;;) {
    const m = await c.expect(() => true);
    lines.push(m);
    if (m.command === 'BATCH' && m.params[0] === `-${ref}`) return lines;
  }
}

describe('IRC §5.2 labeled-response', () => {
  it('a label the client did not enable the capability for is not answered', async () => {
    const c = await IrcTestClient.registered(srv, 'plain', { caps: ['message-tags', 'batch'] });
    c.send('@label=x1 PING one');
    const pong = await c.expect((m) => m.command === 'PONG');
    assert.equal(pong.tags.get('label'), undefined);
    c.send('@label=x2 PONG two');
    c.send('PING after');
    await c.expect((m) => m.command === 'PONG' && m.params[1] === 'after');
    assert.ok(!c.lines.some((m) => m.command === 'ACK'));
    c.close();
  });

  it('one reply carries the label; no reply is ACK', async () => {
    const c = await IrcTestClient.registered(srv, 'lana', { caps: CAPS });
    c.send('@label=p1 PING one');
    const pong = await c.expect((m) => m.command === 'PONG');
    assert.equal(pong.tags.get('label'), 'p1');
    c.send('@label=a\\sb PONG two');
    const ack = await c.expect((m) => m.command === 'ACK');
    assert.equal(ack.tags.get('label'), 'a b');
    // An error is a reply too.
    c.send('@label=e1 NOSUCHTHING');
    const err = await c.expect((m) => m.command === '421');
    assert.equal(err.tags.get('label'), 'e1');
    // A command word outside the grammar (§3.4) is still a command nobody knows: its tags stand.
    c.send('@label=e2 NO_SUCH_THING x');
    const odd = await c.expect((m) => m.command === '421');
    assert.deepEqual([odd.tags.get('label'), odd.params[1]], ['e2', 'NO_SUCH_THING']);
    c.close();
  });

  it('several replies are one labeled-response batch; a chathistory batch nests in it', async () => {
    const c = await IrcTestClient.registered(srv, 'lena', { caps: CAPS });
    c.send('@label=j1 JOIN #labels');
    const join = await labeledBatch(c, 'j1');
    const ref = join[0].params[0].slice(1);
    assert.deepEqual(join.slice(1, -1).map((m) => m.command), ['JOIN', '353', '366']);
    for (const m of join.slice(1, -1)) assert.equal(m.tags.get('batch'), ref, m.raw);

    c.send('@label=m1 PRIVMSG #labels :hello');
    const echo = await c.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'hello');
    assert.equal(echo.tags.get('label'), 'm1');

    c.send('@label=h1 CHATHISTORY LATEST #labels * 10');
    const lines = await labeledBatch(c, 'h1');
    const outer = lines[0].params[0].slice(1);
    const inner = lines[1];
    assert.deepEqual([inner.command, inner.params[1], inner.params[2], inner.tags.get('batch')], ['BATCH', 'chathistory', '#labels', outer]);
    const msg = lines[2];
    assert.deepEqual([msg.command, msg.params[1], msg.tags.get('batch')], ['PRIVMSG', 'hello', inner.params[0].slice(1)]);
    c.close();
  });

  it("another user's message arriving during a labeled command is not part of its reply", async () => {
    const c = await IrcTestClient.registered(srv, 'lily', { caps: CAPS });
    const o = await IrcTestClient.registered(srv, 'otto', { caps: CAPS });
    c.send('JOIN #busy');
    await c.numeric('366');
    o.send('JOIN #busy');
    await o.numeric('366');
    o.send('PRIVMSG #busy :meanwhile');
    c.send('@label=n1 NAMES #busy');
    const names = await labeledBatch(c, 'n1');
    assert.deepEqual(names.slice(1, -1).map((m) => m.command), ['353', '366']);
    // It may have come before the command ran, or while it ran (then after its replies).
    const got = c.lines.find((m) => m.command === 'PRIVMSG' && m.params[1] === 'meanwhile')
      ?? await c.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'meanwhile');
    assert.equal(got.tags.get('label'), undefined);
    assert.equal(got.tags.get('batch'), undefined);
    c.close();
    o.close();
  });

  it('a label over 64 bytes is not echoed', async () => {
    const c = await IrcTestClient.registered(srv, 'long', { caps: CAPS });
    c.send(`@label=${'x'.repeat(65)} PING big`);
    const pong = await c.expect((m) => m.command === 'PONG');
    assert.equal(pong.tags.get('label'), undefined);
    c.close();
  });
});
