// The SDK's session controller (src/client/session.ts), which both UIs run, against a real server
// over TLS: signing in, the conversation of a group DM and a reply to all of it, retry with the
// same cid, resuming a remembered session in a later run, and what a forged or stale resume gets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, ChatSession, transportFor, type ResumePoint, type SessionNotice, type SessionOptions, type SessionView } from '../../src/client/node.js';
import { startTestServer, type TestServer } from './test-server.js';

const PASSWORD = 'correct horse battery';
let srv: TestServer;
const cleanups: (() => Promise<unknown>)[] = [];

/** A session as a UI runs it, recording what it would show and keep. */
class RecordingSession extends ChatSession {
  readonly notices: SessionNotice[] = [];
  remembered: ResumePoint | undefined;
  forgotten = 0;

  constructor(options: SessionOptions = {}) {
    const tls = srv.server.tls;
    assert.ok(tls);
    super(new ChatClient(transportFor(`tls://${tls.host}:${tls.port}`, { fingerprint: srv.server.fingerprint }), { reconnect: { initialMs: 10, maxMs: 50 } }), {}, options);
    cleanups.push(() => this.quit());
  }

  /** Resolves once the view satisfies `f` (checked now and on every change). */
  until(f: (v: SessionView) => boolean): Promise<SessionView> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!f(this.getSnapshot())) return;
        stop();
        resolve(this.getSnapshot());
      };
      const stop = this.subscribe(check);
      check();
    });
  }

  protected override notify(n: SessionNotice): void {
    this.notices.push(n);
  }

  protected override remember(point: ResumePoint | undefined): void {
    if (point) this.remembered = point;
    else this.forgotten++;
  }
}

async function signedIn(name: string, mode: 'register' | 'login' = 'register'): Promise<RecordingSession> {
  const s = new RecordingSession();
  s.start();
  assert.equal(await s.signIn({ mode, name, password: PASSWORD }), undefined);
  return s;
}

before(async () => {
  srv = await startTestServer({ rateLimit: { perSecond: 500, burst: 500 } });
});
after(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  await srv.close();
});

describe('the session controller both UIs share', () => {
  it('signs in once the connection is up, and starts a newcomer in #general', async () => {
    const s = new RecordingSession({ credentials: { mode: 'register', name: 'newcomer', password: PASSWORD } });
    assert.equal(s.getSnapshot().auth, 'signing-in');
    s.start();
    const v = await s.until((x) => x.chat.active === '#general');
    assert.equal(v.auth, 'signed-in');
    assert.equal(v.chat.me, 'newcomer');
    assert.ok(s.remembered?.token);
  });

  it('reports a wrong password as the login error, and stays signed out', async () => {
    await signedIn('rightful');
    const s = new RecordingSession();
    s.start();
    const why = await s.signIn({ mode: 'login', name: 'rightful', password: 'guessed password' });
    assert.ok(why);
    assert.equal(s.getSnapshot().auth, 'signed-out');
    assert.equal(s.getSnapshot().loginError, why);
    assert.equal(s.remembered, undefined);
  });

  it('shows a DM to several people as one conversation, and a reply there reaches all of them', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    const carol = await signedIn('carol');
    alice.send(['bob', 'carol'], 'to you both');
    const v = await bob.until((x) => x.chat.conversations['alice,carol']?.messages.some((m) => m.text === 'to you both') === true);
    assert.equal(v.chat.conversations['alice'], undefined, 'not in a DM with alice alone');
    const group = v.chat.conversations['alice,carol'];
    assert.deepEqual([...group.targets].sort(), ['alice', 'carol']);

    bob.send(group.targets, 'a reply to you both');
    for (const [who, key] of [[carol, 'alice,bob'], [alice, 'bob,carol']] as const) {
      const seen = await who.until((x) => x.chat.conversations[key]?.messages.some((m) => m.text === 'a reply to you both') === true);
      assert.deepEqual(Object.keys(seen.chat.conversations).filter((k) => !k.startsWith('#')), [key]);
    }
  });

  it('protocol.md §7.15 unread counts come from the server: a new device shows the same, and reading on one clears the other', async () => {
    const rita = await signedIn('rita');
    const tom = await signedIn('tom');
    for (const text of ['one', 'two, @Rita', 'three']) tom.send(['rita'], text);
    await rita.until((v) => v.chat.conversations['tom']?.unread === 3);
    assert.equal(rita.getSnapshot().chat.conversations['tom'].mentions, 1);
    const phone = await signedIn('rita', 'login');
    const v = await phone.until((x) => x.chat.conversations['tom']?.unread === 3);
    assert.equal(v.chat.conversations['tom'].mentions, 1);
    // A hidden UI reads nothing, even with the conversation open.
    phone.setVisible(false);
    phone.open('tom');
    assert.equal(phone.getSnapshot().chat.conversations['tom'].unread, 3);
    rita.open('tom');
    await phone.until((x) => x.chat.conversations['tom']?.unread === 0 && x.chat.conversations['tom'].mentions === 0);
    const laptop = await signedIn('rita', 'login');
    assert.equal(laptop.getSnapshot().chat.conversations['tom'].unread, 0);
  });

  it('sends a failed message again with the same cid, and the server stores it once', async () => {
    const dave = await signedIn('dave');
    const erin = await signedIn('erin');
    await erin.setPolicy('consent');
    const cid = dave.send(['erin'], 'may I?');
    await dave.until((x) => x.chat.conversations['erin']?.messages.some((m) => m.cid === cid && m.delivery === 'failed') === true);
    await erin.until((x) => x.chat.consentRequests.some((r) => r.user === 'dave'));
    await erin.answerConsent('dave', true);
    assert.equal(dave.retry('no such cid'), false);
    assert.equal(dave.retry(cid), true);
    await dave.until((x) => x.chat.conversations['erin']?.messages.some((m) => m.cid === cid && m.delivery === 'acknowledged') === true);
    // Sending it a third time is refused: it is no longer a failed message.
    assert.equal(dave.retry(cid), false);
    const v = await erin.until((x) => x.chat.conversations['dave']?.messages.some((m) => m.text === 'may I?') === true);
    assert.equal(v.chat.conversations['dave'].messages.filter((m) => m.text === 'may I?').length, 1);
    assert.equal(v.chat.consentRequests.length, 0);
  });

  it('resumes a remembered session in a later run, with what was sent meanwhile', async () => {
    const first = await signedIn('frank');
    await first.join('#porch').catch(() => first.create('#porch'));
    const point = first.remembered;
    assert.ok(point);
    assert.deepEqual(point.rooms, ['#general', '#porch']);
    await first.client.close();

    const gina = await signedIn('gina');
    await gina.until((x) => x.connection.state === 'connected');
    gina.send(['frank'], 'while you were away');
    await gina.until((x) => x.chat.conversations['frank']?.messages.some((m) => m.delivery === 'acknowledged') === true);

    const later = new RecordingSession({ resume: point });
    assert.equal(later.getSnapshot().restoring, true);
    later.start();
    const v = await later.until((x) => x.auth === 'signed-in' && !x.restoring && x.chat.conversations['gina'] !== undefined);
    assert.equal(v.chat.me, 'frank');
    assert.ok(v.chat.conversations['#porch']);
    assert.ok(v.chat.conversations['gina'].messages.some((m) => m.text === 'while you were away'));
  });

  it('a forged resume token gets nothing: signed out, and the point forgotten', async () => {
    const real = await signedIn('hal');
    const point = real.remembered;
    assert.ok(point);
    const forged: ResumePoint = { ...point, token: `${point.token.slice(0, -4)}AAAA` };
    const s = new RecordingSession({ resume: forged });
    s.start();
    const v = await s.until((x) => x.auth === 'signed-out' && !x.restoring);
    assert.equal(v.chat.me, '');
    assert.equal(s.forgotten, 1);
    assert.deepEqual(Object.keys(v.chat.conversations), []);
  });

  it('signing out forgets the session and its conversations; the next user starts from nothing', async () => {
    const s = await signedIn('ivy');
    s.send(['ivy'], 'a note to myself');
    await s.until((x) => x.chat.conversations['ivy']?.messages.some((m) => m.delivery === 'acknowledged') === true);
    await s.signOut();
    assert.equal(s.getSnapshot().auth, 'signed-out');
    assert.deepEqual(s.getSnapshot().chat.conversations, {});
    assert.equal(s.forgotten, 1);
    assert.equal(await s.signIn({ mode: 'register', name: 'jo', password: PASSWORD }), undefined);
    const v = await s.until((x) => x.chat.active === '#general');
    assert.equal(v.chat.me, 'jo');
    assert.deepEqual(Object.keys(v.chat.conversations), ['#general']);
    assert.equal(s.remembered?.rooms.length, 1);
  });
});
