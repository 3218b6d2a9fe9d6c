// DM consent from the attacker's side (protocol.md §7.4, §13.10), over real sockets and through
// every protocol that touches it: the native protocol, ChatOS private connections and CP's SMSG.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodePrivateAnswer, encodePrivateAsk } from '../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../src/gateways/chatos/errors.js';
import { defaultConsentLimits } from '../../src/core/consent-throttle.js';
import { chatosAddress, ChatosClient, errorCode, nativeUser } from '../conformance/chatos/chatos-client.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import type { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const E = ErrorCode;

let srv: TestServer;
let n = 0;
/** A fresh name of at most 10 bytes (CP's limit). */
const uniq = (p: string): string => `${p.slice(0, 5)}${(++n).toString(36)}`;

before(async () => { srv = await startTestServer({ gateways: ['chatos', 'cp'] }); });
after(() => srv.close());

interface User { c: RawClient; name: string }

async function user(prefix: string, opts: { consent?: boolean; guest?: boolean } = {}): Promise<User> {
  const name = uniq(prefix);
  const c = await nativeUser(srv, name, { guest: opts.guest });
  if (opts.consent) await c.request({ type: 'SET_POLICY', ref: c.nextRef(), policy: 'consent' }, 'OK');
  return { c, name };
}

const send = (c: RawClient, to: string, text: string): Promise<number> =>
  c.expectError({ type: 'SEND', ref: c.nextRef(), cid: '', to: [to], text });

describe('protocol.md §13.10 Direct-message consent: forged answers', () => {
  it('a CONSENT for a request never made is NO_CONSENT_REQUEST and records nothing: the forger\'s DM is still refused', async () => {
    const alice = await user('alice', { consent: true });
    const mallory = await user('mal');
    assert.equal(await mallory.c.expectError({ type: 'CONSENT', ref: mallory.c.nextRef(), user: alice.name, accept: true }), E.NO_CONSENT_REQUEST);
    // The DM is refused, and only now does alice hear of mallory: as a request, which she may refuse.
    assert.equal(await send(mallory.c, alice.name, 'let me in'), E.CONSENT_REQUIRED);
    assert.equal((await alice.c.next('CONSENT_ASK')).user, mallory.name);
    assert.ok(await alice.c.none('MSG'));
    assert.ok(await alice.c.none('CONSENT'));
    alice.c.close();
    mallory.c.close();
  });

  it('answering one\'s own request in the other direction grants nothing', async () => {
    const alice = await user('alice', { consent: true });
    const mallory = await user('mal');
    await mallory.c.request({ type: 'CONSENT_ASK', ref: mallory.c.nextRef(), user: alice.name }, 'OK');
    await alice.c.next('CONSENT_ASK');
    // The pending request is mallory's to alice: only alice can answer it.
    assert.equal(await mallory.c.expectError({ type: 'CONSENT', ref: mallory.c.nextRef(), user: alice.name, accept: true }), E.NO_CONSENT_REQUEST);
    assert.equal(await send(mallory.c, alice.name, 'still?'), E.CONSENT_REQUIRED);
    assert.ok(await alice.c.none('MSG'));
    alice.c.close();
    mallory.c.close();
  });

  it('a native forger cannot open DMs to a ChatOS user, whose private messages need a private connection', async () => {
    const nick = uniq('cos');
    const target = await ChatosClient.login(chatosAddress(srv), nick);
    const mallory = await user('mal');
    assert.equal(await mallory.c.expectError({ type: 'CONSENT', ref: mallory.c.nextRef(), user: nick, accept: true }), E.NO_CONSENT_REQUEST);
    assert.equal(await send(mallory.c, nick, 'sneaky'), E.CONSENT_REQUIRED);
    assert.deepEqual(await target.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: mallory.name });
    assert.ok(await target.none((p) => p.op === 'CHAT' || p.op === 'PRIVATE_ANSWER'));
    target.close();
    mallory.c.close();
  });

  it('ChatOS: a private-connection "yes" for a request never made is error 2, and private messages stay refused (error 4)', async () => {
    const alice = await user('alice', { consent: true });
    const mallory = await ChatosClient.login(chatosAddress(srv), uniq('mal'));
    mallory.send(encodePrivateAnswer(true, alice.name));
    await mallory.expectError(ChatosError.BAD_DATA);
    assert.equal(errorCode(await mallory.chat(1n, alice.name, 'let me in')), ChatosError.NO_PRIVATE_CONNECTION);
    assert.ok(await alice.c.none('MSG'));
    assert.ok(await alice.c.none('CONSENT'));
    alice.c.close();
    mallory.close();
  });
});

describe('protocol.md §13.10 Direct-message consent: a refusal sticks', () => {
  it('a refused user who asks again is CONSENT_REFUSED, and the refuser hears nothing; accepting after all lifts it', async () => {
    const bob = await user('bob', { consent: true });
    const carol = await user('carol');
    await carol.c.request({ type: 'CONSENT_ASK', ref: carol.c.nextRef(), user: bob.name }, 'OK');
    await bob.c.next('CONSENT_ASK', (f) => f.user === carol.name);
    await bob.c.request({ type: 'CONSENT', ref: bob.c.nextRef(), user: carol.name, accept: false }, 'OK');
    assert.equal((await carol.c.next('CONSENT')).accept, false);

    assert.equal(await carol.c.expectError({ type: 'CONSENT_ASK', ref: carol.c.nextRef(), user: bob.name }), E.CONSENT_REFUSED);
    assert.equal(await send(carol.c, bob.name, 'please'), E.CONSENT_REFUSED);
    assert.ok(await bob.c.none('CONSENT_ASK'), 'no second notification');
    assert.equal(await srv.server.store.getConsent(bob.name, carol.name), 'refused');

    // The unblock: bob accepts the refused user after all.
    await bob.c.request({ type: 'CONSENT', ref: bob.c.nextRef(), user: carol.name, accept: true }, 'OK');
    assert.equal((await carol.c.next('CONSENT')).accept, true);
    await carol.c.request({ type: 'SEND', ref: carol.c.nextRef(), cid: '', to: [bob.name], text: 'thanks' }, 'ACK');
    assert.equal((await bob.c.next('MSG')).msg.text, 'thanks');
    bob.c.close();
    carol.c.close();
  });

  it('ChatOS: a refused asker who asks again gets error 4, and the refuser gets no second private ask', async () => {
    const [x, y] = [uniq('cx'), uniq('cy')];
    const asker = await ChatosClient.login(chatosAddress(srv), x);
    const refuser = await ChatosClient.login(chatosAddress(srv), y);
    asker.send(encodePrivateAsk(y));
    await refuser.next('PRIVATE_ASK');
    refuser.send(encodePrivateAnswer(false, x));
    assert.deepEqual(await asker.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: false, nick: y });
    asker.send(encodePrivateAsk(y));
    await asker.expectError(ChatosError.NO_PRIVATE_CONNECTION);
    assert.ok(await refuser.none((p) => p.op === 'PRIVATE_ASK'));
    assert.equal(errorCode(await asker.chat(1n, y, 'pretty please')), ChatosError.NO_PRIVATE_CONNECTION);
    asker.close();
    refuser.close();
  });
});

describe('protocol.md §13.10 Direct-message consent: request floods', () => {
  it('a user who asks many people at once is RATE_LIMITED past its burst; the one not asked hears nothing', async () => {
    const pest = await user('pest');
    const burst = defaultConsentLimits.burst;
    const targets: User[] = [];
    for (let i = 0; i <= burst; i++) targets.push(await user('t', { guest: true }));
    for (const t of targets.slice(0, burst)) await pest.c.request({ type: 'CONSENT_ASK', ref: pest.c.nextRef(), user: t.name }, 'OK');
    const last = targets[burst];
    assert.equal(await pest.c.expectError({ type: 'CONSENT_ASK', ref: pest.c.nextRef(), user: last.name }), E.RATE_LIMITED);
    // A DM that would send the request by itself is refused the same way, and sends nothing either.
    const consenting = await user('cons', { consent: true });
    assert.equal(await send(pest.c, consenting.name, 'hi'), E.RATE_LIMITED);
    assert.ok(await last.c.none('CONSENT_ASK'));
    assert.ok(await consenting.c.none('CONSENT_ASK'));
    for (const t of [...targets, consenting]) t.c.close();
    pest.c.close();
  });

  it('asking the same user again at once is RATE_LIMITED and does not notify it twice', async () => {
    const dave = await user('dave', { consent: true });
    const pest = await user('pest');
    await pest.c.request({ type: 'CONSENT_ASK', ref: pest.c.nextRef(), user: dave.name }, 'OK');
    await dave.c.next('CONSENT_ASK');
    assert.equal(await pest.c.expectError({ type: 'CONSENT_ASK', ref: pest.c.nextRef(), user: dave.name }), E.RATE_LIMITED);
    assert.ok(await dave.c.none('CONSENT_ASK'));
    dave.c.close();
    pest.c.close();
  });

  it('ChatOS: a flood of private asks is answered with error 6 past the burst', async () => {
    const pest = await ChatosClient.login(chatosAddress(srv), uniq('cpest'));
    const burst = defaultConsentLimits.burst;
    const nicks: string[] = [];
    const targets: ChatosClient[] = [];
    for (let i = 0; i <= burst; i++) {
      nicks.push(uniq('ct'));
      targets.push(await ChatosClient.login(chatosAddress(srv), nicks[i]));
    }
    for (let i = 0; i < burst; i++) {
      pest.send(encodePrivateAsk(nicks[i]));
      await targets[i].next('PRIVATE_ASK');
    }
    pest.send(encodePrivateAsk(nicks[burst]));
    await pest.expectError(ChatosError.TRY_LATER);
    assert.ok(await targets[burst].none((p) => p.op === 'PRIVATE_ASK'));
    for (const t of targets) t.close();
    pest.close();
  });
});

describe('protocol.md §7.4 Offline delivery and DM consent: the honest path across protocols', () => {
  it('a CP user\'s SMSG asks a consent user (540); once accepted over the native protocol, the SMSG is stored (240)', async () => {
    const erin = await user('erin', { consent: true });
    const cpUser = await user('cpu');
    cpUser.c.close();
    await srv.quiet(cpUser.name);
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login(cpUser.name, 'secret-pw');
    await cp.expect(`SMSG ${erin.name}:hello?`, 540);
    await cp.expect('TERM', 201);
    assert.equal((await erin.c.next('CONSENT_ASK')).user, cpUser.name);
    await erin.c.request({ type: 'CONSENT', ref: erin.c.nextRef(), user: cpUser.name, accept: true }, 'OK');
    await cp.login(cpUser.name, 'secret-pw');
    await cp.expect(`SMSG ${erin.name}:hello!`, 240);
    assert.equal((await erin.c.next('MSG')).msg.text, 'hello!');
    cp.close();
    erin.c.close();
  });

  it('a ChatOS user asks a native user, who accepts: private messages flow both ways', async () => {
    const frank = await user('frank', { consent: true });
    const nick = uniq('cos');
    const c = await ChatosClient.login(chatosAddress(srv), nick);
    c.send(encodePrivateAsk(frank.name));
    assert.equal((await frank.c.next('CONSENT_ASK')).user, nick);
    await frank.c.request({ type: 'CONSENT', ref: frank.c.nextRef(), user: nick, accept: true }, 'OK');
    assert.deepEqual(await c.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: true, nick: frank.name });
    assert.deepEqual(await c.chat(1n, frank.name, 'hi frank'), { op: 'ACK', id: 1n });
    assert.equal((await frank.c.next('MSG')).msg.text, 'hi frank');
    await frank.c.request({ type: 'SEND', ref: frank.c.nextRef(), cid: '', to: [nick], text: 'hi back' }, 'ACK');
    assert.equal((await c.next('CHAT')).text, 'hi back');
    c.close();
    frank.c.close();
  });
});
