// The web client in a real browser (Debian's chromium) against a real server: two browser users
// and a Node SDK user chat, scroll back, ask for consent, share files, and live through a server
// restart. Screenshots of the main screens go to test-artifacts/screenshots/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { connect, type ChatClient, type IncomingMessage } from '../../../src/client/node.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/http/web-client.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { builtWebRoot, DESKTOP, launch, newPage, PHONE, PLAIN_HTTP_HOST, REBOUND_HOST, screenshot, WebUser } from './browser.js';

const PASSWORD = 'correct horse battery';
const ARCHIVE_SIZE = 75;
const XSS = '<img src=x onerror="window.__pwned = 1; alert(1)"><script>window.__pwned = 2</script>';

/** GET with a raw path (fetch would normalise away the dot segments). */
function rawGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function nextMessage(client: ChatClient, text: string): Promise<IncomingMessage> {
  return client.once('message', (m) => m.text === text);
}

describe('web client in a browser', { timeout: 90_000 }, () => {
  let dataDir: string;
  let webRoot: string;
  let test: TestServer;
  let port: number;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: WebUser;
  let bob: WebUser;
  let carol: ChatClient;
  const dialogs: string[] = [];
  /** Uncaught page errors and Content-Security-Policy violations, from every page. */
  const problems: string[] = [];

  const start = async (httpPort = 0): Promise<void> => {
    // confab.test is a name users reach the server by (http.hosts); rebound.test is not.
    test = await startTestServer({ dataDir, keepDataDir: true, httpPort, webRoot, rateLimit: { perSecond: 500, burst: 500 }, httpHosts: [PLAIN_HTTP_HOST] });
    port = test.server.http?.port ?? 0;
  };
  const page = async (viewport = DESKTOP): Promise<Page> => {
    const made = await newPage(browser, viewport);
    contexts.push(made.context);
    made.page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    made.page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    made.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return made.page;
  };

  before(async () => {
    webRoot = await builtWebRoot();
    dataDir = mkdtempSync(join(tmpdir(), 'confab-web-'));
    await start();
    base = `http://127.0.0.1:${port}/`;
    browser = await launch();
    carol = await connect(`ws://127.0.0.1:${port}/ws`);
    await carol.register('carol', PASSWORD);
  });

  after(async () => {
    await carol?.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await test?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is served at / under a strict Content-Security-Policy, with no inline script', async () => {
    const res = await fetch(base);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /\bsrc="\/assets\/[^"]+\.js"/);
      assert.equal(body.trim(), '');
    }
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const asset = await fetch(new URL(js, base));
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    // A page of another site may not open a chat session here (http.origins, docs/configuration.md).
    const upgrade = (origin: string): Promise<number> => new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin });
      ws.on('error', () => undefined);
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
      ws.on('open', () => { resolve(101); ws.close(); });
    });
    assert.equal(await upgrade('https://elsewhere.example'), 403);
    assert.equal(await upgrade(`http://127.0.0.1:${port}`), 101);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json', '/.vite/manifest.json']) {
      const r = await rawGet(port, path);
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /"name": "confab"/);
    }
  });

  it('lets two browser users register, join a room and chat with a Node client', async () => {
    const a = await page();
    await a.goto(base);
    await a.getByRole('button', { name: 'Log in' }).waitFor();
    await screenshot(a, 'login-desktop');
    alice = new WebUser(a, base);
    bob = new WebUser(await page(), base);
    await alice.signIn('Register', 'alice', PASSWORD);
    await bob.signIn('Register', 'bob', PASSWORD);
    assert.ok(!a.url().includes(PASSWORD) && !a.url().includes('token'), a.url());
    // Newcomers start in #general.
    await alice.title().filter({ hasText: '#general' }).waitFor();

    await carol.create('#lobby', 'Lobby talk');
    await alice.joinRoom('#lobby');
    await bob.joinRoom('#lobby');
    await a.getByTestId('topic').filter({ hasText: 'Lobby talk' }).waitFor();

    const carolGets = nextMessage(carol, 'hello from alice');
    await alice.send('hello from alice');
    await alice.message('hello from alice').and(a.locator('[data-delivery="acknowledged"]')).waitFor();
    await bob.sees('hello from alice');
    const got = await carolGets;
    assert.equal(got.from, 'alice');
    assert.deepEqual(got.to, ['#lobby']);

    await carol.send('#lobby', 'hi from node');
    await alice.sees('hi from node');
    await bob.sees('hi from node');

    // Typing shows on the other side; the draft is not sent.
    await bob.composer().fill('I am typing');
    await a.getByTestId('typing').filter({ hasText: 'bob is typing…' }).waitFor();
    await bob.composer().fill('');

    // A message in a room that is not open is counted as unread.
    await carol.join('#general');
    await carol.send('#general', 'news in general');
    await alice.unreadBadge('#general').filter({ hasText: '1' }).waitFor();

    // Members with presence.
    await a.locator('#members li.online[data-member="carol"]').waitFor();
    await a.locator('#members li.online[data-member="bob"]').waitFor();
    await screenshot(a, 'chat-desktop');

    // The token lives in sessionStorage, and a reload resumes the session.
    const stored = await a.evaluate(() => sessionStorage.getItem('confab.session'));
    assert.match(stored ?? '', /"token":"[^"]+"/);
    await a.reload();
    await a.getByTestId('me').filter({ hasText: 'alice' }).waitFor();
    await alice.open('#lobby');
    await alice.sees('hi from node');
  });

  it('lets a room operator remove and ban a user who is chatting in another browser (protocol.md §7.12)', async () => {
    const a = alice.page;
    const b = bob.page;
    // alice makes a room, so she is its operator; bob joins and chats.
    await alice.sidebar();
    await a.getByLabel('Room name').fill('#patrol');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.title().filter({ hasText: '#patrol' }).waitFor();
    await bob.joinRoom('#patrol');
    await bob.send('buy cheap pills');
    await alice.sees('buy cheap pills');
    // bob, a plain member, has no moderation buttons; alice has them.
    // On a desktop-wide page the member list is always shown.
    await b.locator('#members li[data-member="alice"]').waitFor();
    assert.equal(await b.getByRole('button', { name: 'Ban alice from #patrol' }).count(), 0);
    // Removed: bob sees why and the room leaves his list; alice's list loses him.
    await a.getByRole('button', { name: 'Remove bob from #patrol' }).click();
    await b.locator('.notice').filter({ hasText: 'alice removed you from #patrol' }).waitFor();
    await b.locator('nav button.conversation[data-key="#patrol"]').waitFor({ state: 'detached' });
    await a.locator('#members li[data-member="bob"]').waitFor({ state: 'detached' });
    // He may come back; banned, he is removed again and cannot.
    await bob.joinRoom('#patrol');
    await a.locator('#members li[data-member="bob"]').waitFor();
    await a.getByRole('button', { name: 'Ban bob from #patrol' }).click();
    await b.locator('nav button.conversation[data-key="#patrol"]').waitFor({ state: 'detached' });
    await bob.sidebar();
    await b.getByLabel('Room name').fill('#patrol');
    await b.getByRole('button', { name: 'Join', exact: true }).click();
    await b.locator('.notice').filter({ hasText: /banned/i }).waitFor();
    await a.locator('#members li[data-member="bob"]').waitFor({ state: 'detached' });
  });

  it('shows edits, deletions, reactions and replies live in the other browser (protocol.md §7.14)', async () => {
    const a = alice.page;
    const b = bob.page;
    await alice.sidebar();
    await a.getByLabel('Room name').fill('#edits');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.title().filter({ hasText: '#edits' }).waitFor();
    await bob.joinRoom('#edits');
    await bob.send('teh plan');
    await alice.sees('teh plan');
    // alice may not edit bob's message: no Edit on it for her, nor Delete (she owns the room, so
    // she may delete it, but not edit it).
    assert.equal(await alice.message('teh plan').getByRole('button', { name: 'Edit', exact: true }).count(), 0);
    // bob edits: alice sees the new text and the mark, without reloading.
    await bob.message('teh plan').getByRole('button', { name: 'Edit', exact: true }).click();
    await b.getByLabel('Edit your message').fill('the plan');
    await b.getByRole('button', { name: 'Save', exact: true }).click();
    await alice.message('the plan').locator('.edited').waitFor();
    // alice reacts; bob sees the count, and who.
    await alice.message('the plan').getByRole('button', { name: 'React 👍' }).click();
    await bob.message('the plan').locator('button.reaction', { hasText: '👍 1' }).waitFor();
    assert.equal(await bob.message('the plan').locator('button.reaction').getAttribute('title'), 'alice');
    // alice replies to it; bob sees the quote above her answer.
    await alice.message('the plan').getByRole('button', { name: 'Reply', exact: true }).click();
    await a.locator('.composer-reply').filter({ hasText: 'Replying to bob' }).waitFor();
    await alice.send('agreed');
    await bob.message('agreed').locator('blockquote.quote', { hasText: 'the plan' }).waitFor();
    // bob deletes his message: alice sees the tombstone, and the reply's quote says so.
    await bob.message('the plan').getByRole('button', { name: 'Delete', exact: true }).click();
    await a.locator('li.message.deleted p.tombstone', { hasText: 'Message deleted by bob' }).waitFor();
    await alice.message('agreed').locator('blockquote.quote', { hasText: 'deleted message' }).waitFor();
    await screenshot(a, 'edits-desktop');
  });

  it('lets a room operator mute a member from the member list and change the room\'s settings (protocol.md §7.17)', async () => {
    const a = alice.page;
    const b = bob.page;
    await alice.sidebar();
    await a.getByLabel('Room name').fill('#quiet');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.title().filter({ hasText: '#quiet' }).waitFor();
    await bob.joinRoom('#quiet');
    await a.locator('#members li[data-member="bob"]').waitFor();
    // bob, a plain member, has neither the member menu nor the settings.
    await b.locator('#members li[data-member="alice"]').waitFor();
    assert.equal(await b.getByRole('button', { name: 'Mute alice in #quiet for 10 minutes' }).count(), 0);
    assert.equal(await b.getByRole('button', { name: 'Settings', exact: true }).count(), 0);
    await a.getByRole('button', { name: 'Mute bob in #quiet for 10 minutes' }).click();
    await b.locator('.notice').filter({ hasText: 'alice muted you in #quiet for 600 s' }).waitFor();
    await a.getByRole('button', { name: 'Give bob voice in #quiet' }).click();
    await b.locator('.notice').filter({ hasText: 'alice made you voiced in #quiet' }).waitFor();
    await a.getByRole('button', { name: 'Settings', exact: true }).click();
    await a.getByLabel('Moderated').check();
    await a.getByRole('button', { name: 'Save settings' }).click();
    await b.locator('.notice').filter({ hasText: 'alice changed the settings of #quiet' }).waitFor();
  });

  it('loads older history page by page when scrolling back', async () => {
    await carol.create('#archive');
    for (let i = 1; i <= ARCHIVE_SIZE; i++) await carol.send('#archive', `archive ${i}`);
    await alice.joinRoom('#archive');
    const a = alice.page;
    await alice.sees(`archive ${ARCHIVE_SIZE}`);
    const shown = (): Promise<number> => a.locator('li.message').count();
    const counts = [await shown()];
    assert.ok(counts[0] < ARCHIVE_SIZE, `all ${counts[0]} shown at once`);
    while ((await a.locator('.messages').getAttribute('data-older')) !== 'none') {
      await a.locator('.messages').evaluate((el) => {
        // Already at the top, scrolling there again would not fire an event.
        if (el.scrollTop === 0) el.dispatchEvent(new Event('scroll'));
        else el.scrollTo(0, 0);
      });
      await a.waitForFunction((n) => document.querySelectorAll('li.message').length > n || document.querySelector('.messages')?.getAttribute('data-older') === 'none', counts[counts.length - 1]);
      counts.push(await shown());
      assert.ok(counts.length < 10, `too many pages: ${counts.join(', ')}`);
    }
    assert.ok(counts.length >= 3, `expected several pages, got ${counts.join(' → ')}`);
    assert.equal(await shown(), ARCHIVE_SIZE);
    const texts = await a.locator('li.message p.text').allTextContents();
    assert.deepEqual(texts, Array.from({ length: ARCHIVE_SIZE }, (_, i) => `archive ${i + 1}`));
    await a.getByText('This is the beginning of the conversation.').waitFor();
  });

  it('asks for consent for DMs; the browser user accepts and the DM comes through', async () => {
    const b = bob.page;
    await bob.sidebar();
    const policy = b.getByLabel('Ask me before people can send me direct messages');
    await policy.click();
    // The box shows checked once the server has applied the policy.
    await b.locator('nav input[type="checkbox"]:checked').waitFor();
    await assert.rejects(carol.send('bob', 'psst, bob'), { name: 'CONSENT_REQUIRED' });
    const ask = b.locator('.consent-ask[data-user="carol"]');
    await ask.waitFor();
    await screenshot(b, 'consent-desktop');
    await b.setViewportSize(PHONE);
    await screenshot(b, 'consent-phone');
    await b.setViewportSize(DESKTOP);
    const answered = carol.once('consent');
    await ask.getByRole('button', { name: 'Accept' }).click();
    assert.deepEqual(await answered, { user: 'bob', accept: true });
    await ask.waitFor({ state: 'detached' });

    await carol.send('bob', 'psst, bob');
    await bob.unreadBadge('carol').filter({ hasText: '1' }).waitFor();
    await bob.open('carol');
    await bob.sees('psst, bob');
    await b.locator('.marker').waitFor();

    // A browser user's DM to a consent user fails visibly, and succeeds on retry once accepted.
    await alice.sidebar();
    await alice.page.getByLabel('User name').fill('bob');
    await alice.page.getByRole('button', { name: 'Message', exact: true }).click();
    await alice.send('hey bob, it is alice');
    const mine = alice.message('hey bob, it is alice');
    await mine.and(alice.page.locator('[data-delivery="failed"]')).waitFor();
    await b.locator('.consent-ask[data-user="alice"]').getByRole('button', { name: 'Accept' }).click();
    await b.locator('.consent-ask[data-user="alice"]').waitFor({ state: 'detached' });
    await mine.getByRole('button', { name: 'Retry' }).click();
    await mine.and(alice.page.locator('[data-delivery="acknowledged"]')).waitFor();
    await bob.open('alice');
    await bob.sees('hey bob, it is alice');
  });

  it('shows a direct message to several people as one conversation, and a reply there reaches them all', async () => {
    // alice writes to bob and carol at once, from the page's "new message to several" form.
    const carolGets = nextMessage(carol, 'to you both');
    await alice.sidebar();
    await alice.page.getByRole('button', { name: 'New message to several…' }).click();
    await alice.page.getByLabel('To', { exact: true }).fill('bob, carol');
    await alice.page.getByLabel('Message', { exact: true }).fill('to you both');
    await alice.page.getByRole('button', { name: 'Send', exact: true }).click();
    await alice.title().filter({ hasText: 'bob, carol' }).waitFor();
    await alice.message('to you both').and(alice.page.locator('[data-delivery="acknowledged"]')).waitFor();
    assert.deepEqual([...(await carolGets).to].sort(), ['bob', 'carol']);

    // In bob's browser it is the conversation of alice, bob and carol, not his DM with alice.
    await bob.unreadBadge('alice,carol').filter({ hasText: '1' }).waitFor();
    await bob.open('alice,carol');
    await bob.title().filter({ hasText: 'alice, carol' }).waitFor();
    await bob.sees('to you both');
    await bob.open('alice');
    await bob.sees('hey bob, it is alice');
    assert.equal(await bob.message('to you both').count(), 0);

    // bob's reply there goes to both of them.
    const carolGetsReply = nextMessage(carol, 'a reply to you both');
    await bob.open('alice,carol');
    await bob.send('a reply to you both');
    const reply = await carolGetsReply;
    assert.equal(reply.from, 'bob');
    assert.deepEqual([...reply.to].sort(), ['alice', 'carol']);
    await alice.sees('a reply to you both');
    const keys = await bob.page.locator('nav button.conversation').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''));
    assert.deepEqual(keys.filter((k) => !k.startsWith('#')).sort(), ['alice', 'alice,carol', 'carol']);
  });

  it('renders an <img onerror> payload as characters, with no side effect', async () => {
    await alice.open('#lobby');
    await bob.open('#lobby');
    await carol.send('#lobby', XSS);
    await alice.send(`${XSS} (from a browser)`);
    for (const user of [alice, bob]) {
      await user.page.waitForFunction((x) => [...document.querySelectorAll('li.message p.text')].some((p) => p.textContent === x), XSS);
      await user.page.waitForFunction((x) => [...document.querySelectorAll('li.message p.text')].some((p) => p.textContent === x), `${XSS} (from a browser)`);
      assert.equal(await user.page.locator('li.message p.text img, li.message p.text script').count(), 0);
      assert.equal(await user.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    }
    assert.deepEqual(dialogs, []);
  });

  it('shares files: an image previewed from a blob: URL, another file saved on request', async () => {
    const a = alice.page;
    const png = await a.screenshot({ clip: { x: 0, y: 0, width: 64, height: 48 } });
    const carolGets = carol.once('message', (m) => (m.files ?? []).length === 2);
    await a.locator('input[type="file"]').setInputFiles([
      { name: 'shot.png', mimeType: 'image/png', buffer: png },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes\n') },
    ]);
    await a.locator('.chip', { hasText: 'notes.txt' }).waitFor();
    await a.locator('.chip', { hasText: 'shot.png' }).waitFor();
    await alice.composer().fill('two files');
    await a.getByRole('button', { name: 'Send', exact: true }).click();
    const m = await carolGets;
    assert.deepEqual(m.files?.map((f) => f.name).sort(), ['notes.txt', 'shot.png']);

    const b = bob.page;
    const img = b.locator('li.message figure.attachment img[alt="shot.png"]');
    await img.waitFor();
    assert.match((await img.getAttribute('src')) ?? '', /^blob:/);
    await b.waitForFunction(() => {
      const el = document.querySelector('li.message figure.attachment img[alt="shot.png"]');
      return el instanceof HTMLImageElement && el.complete && el.naturalWidth === 64;
    });
    await b.getByRole('button', { name: /^Download notes\.txt/ }).click();
    const link = b.getByRole('link', { name: /^Save notes\.txt/ });
    await link.waitFor();
    assert.match((await link.getAttribute('href')) ?? '', /^blob:/);
    assert.equal(await link.getAttribute('download'), 'notes.txt');
  });

  it('shares files from a page that is not a secure context (plain http by name, no Web Crypto)', async () => {
    await carol.create('#plain-http');
    const p = await page();
    const erin = new WebUser(p, `http://${PLAIN_HTTP_HOST}:${port}/`);
    await erin.signIn('Guest', 'erin');
    assert.deepEqual(await p.evaluate(() => [window.isSecureContext, typeof crypto.subtle]), [false, 'undefined']);
    await erin.joinRoom('#plain-http');
    const bytes = Buffer.from('sent from http://confab.test, hashed without crypto.subtle\n');
    const carolGets = carol.once('message', (m) => m.to.includes('#plain-http') && (m.files ?? []).length === 1);
    await p.locator('input[type="file"]').setInputFiles([{ name: 'lan.txt', mimeType: 'text/plain', buffer: bytes }]);
    await p.locator('.chip', { hasText: 'lan.txt' }).waitFor();
    await erin.composer().fill('from the LAN');
    await p.getByRole('button', { name: 'Send', exact: true }).click();
    const file = (await carolGets).files?.[0];
    assert.ok(file);
    assert.equal(file.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(Buffer.from(await carol.download(file)), bytes);
  });

  it('refuses a page under a name the server does not answer to (protocol.md §13.1, DNS rebinding)', async () => {
    const socketFrom = async (host: string): Promise<string> => {
      const p = await page();
      await p.goto(`http://${host}:${port}/`);
      const outcome = await p.evaluate((url) => new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => { resolve('open'); ws.close(); };
        ws.onclose = (e) => resolve(`closed ${e.code}`);
      }), `ws://${host}:${port}/ws`);
      await p.context().close();
      return outcome;
    };
    // The page of a rebound name is served (it is our web client), but it gets no chat session.
    assert.equal(await socketFrom(REBOUND_HOST), 'closed 1006');
    assert.equal(await socketFrom(PLAIN_HTTP_HOST), 'open');
  });

  it('browses the room directory a page at a time (protocol.md §7.2.1)', async () => {
    const store = test.server.store;
    for (let i = 0; i < 60; i++) {
      const name = `#dir-${String(i).padStart(2, '0')}`;
      await store.createRoom({ key: name, name, topic: `room ${i}`, createdBy: '', createdAt: 0 });
    }
    const a = alice.page;
    await alice.sidebar();
    await a.getByRole('button', { name: 'Browse rooms' }).click();
    const entries = a.locator('#room-directory li');
    await a.getByRole('button', { name: 'More rooms' }).waitFor();
    const first = await entries.count();
    assert.equal(first, 50);
    await a.getByRole('button', { name: 'More rooms' }).click();
    await a.locator('#room-directory li', { hasText: '#dir-59' }).waitFor();
    assert.ok((await entries.count()) > first);
    assert.equal(await a.getByRole('button', { name: 'More rooms' }).count(), 0, 'the last page is shown: no more to ask for');
    assert.equal(await a.locator('#room-directory li', { hasText: '#dir-00' }).count(), 1, 'no room twice');
    await a.getByRole('button', { name: 'Hide room list' }).click();
  });

  it('lists direct conversations from before when a user logs in on a new device', async () => {
    // Delivered live to bob's open page, so nothing waits in his mailbox for the new one.
    const bobGets = bob.page.waitForFunction(() => document.querySelector('nav button.conversation[data-key="carol"]') !== null);
    await carol.send('bob', 'an earlier word for bob');
    await bobGets;
    const p = await page();
    const second = new WebUser(p, base);
    await second.signIn('Log in', 'bob', PASSWORD);
    await second.open('carol');
    await second.sees('an earlier word for bob');
    assert.equal(await second.unreadBadge('carol').count(), 0, 'listed as read: it was news on the other device');
    await p.context().close();
  });

  it('unread counts survive a new device, and reading on one clears the other (protocol.md §7.15)', async () => {
    const first = new WebUser(await page(), base);
    await first.signIn('Register', 'dana', PASSWORD);
    await first.title().filter({ hasText: '#general' }).waitFor();
    await carol.send('dana', 'first for dana');
    await carol.send('dana', 'second, @Dana');
    await first.unreadBadge('carol').filter({ hasText: '2' }).waitFor();
    const mentions = (u: WebUser) => u.page.locator('nav button.conversation[data-key="carol"] [data-testid="mentions"]');
    await mentions(first).filter({ hasText: '@1' }).waitFor();

    // A second browser with fresh storage: the same counts, from the server.
    const p = await page();
    const second = new WebUser(p, base);
    await second.signIn('Log in', 'dana', PASSWORD);
    await second.unreadBadge('carol').filter({ hasText: '2' }).waitFor();
    await mentions(second).filter({ hasText: '@1' }).waitFor();
    await p.waitForFunction(() => document.title === '(2) confab');

    // Read on the first device: cleared on the second, title included.
    await first.open('carol');
    await first.sees('second, @Dana');
    await second.unreadBadge('carol').waitFor({ state: 'detached' });
    assert.equal(await mentions(second).count(), 0);
    await p.waitForFunction(() => document.title === 'confab');
    await first.page.context().close();
    await p.context().close();
  });

  it('searches what the user may read and opens a result\'s conversation (protocol.md §7.16)', async () => {
    await carol.create('#hidden-den', '');
    await carol.send('#hidden-den', 'pineapple plans nobody else may read');
    await carol.send('bob', 'pineapple for bob');
    const p = bob.page;
    await bob.sidebar();
    await p.locator('#search-query').fill('pineapple');
    await p.getByRole('button', { name: 'Search', exact: true }).click();
    const results = p.getByRole('list', { name: 'Results for pineapple' });
    await results.getByText('carol: pineapple for bob').waitFor();
    assert.equal(await results.locator('li').count(), 1, 'nothing from a room bob is not in');
    await results.getByText('carol: pineapple for bob').click();
    await bob.title().filter({ hasText: 'carol' }).waitFor();
    await bob.sees('pineapple for bob');
  });

  it('survives a server restart: both browsers reconnect and nothing is lost', async () => {
    const a = alice.page;
    await alice.open('#lobby');
    await bob.open('#lobby');
    await alice.composer().fill('a draft that survives');
    const oldPort = port;
    await test.close();
    await alice.waitForStatus('error');
    await bob.waitForStatus('error');
    // Sent while the server is down: shown as sending, then delivered after the resume.
    await bob.send('sent while the server was down');
    await bob.message('sent while the server was down').and(bob.page.locator('[data-delivery="sending"]')).waitFor();

    await start(oldPort);
    const carolGets = nextMessage(carol, 'sent while the server was down');
    await alice.waitForStatus('connected');
    await bob.waitForStatus('connected');
    await bob.message('sent while the server was down').and(bob.page.locator('[data-delivery="acknowledged"]')).waitFor();
    await alice.sees('sent while the server was down');
    await carolGets;
    assert.equal(await alice.composer().inputValue(), 'a draft that survives');
    for (const text of ['hello from alice', 'hi from node']) await alice.sees(text);
    assert.equal(await alice.message('sent while the server was down').count(), 1);

    await alice.composer().press('Enter');
    await bob.sees('a draft that survives');
    await alice.message('a draft that survives').and(a.locator('[data-delivery="acknowledged"]')).waitFor();
  });

  it('lets a guest take another nickname, never an account\'s, and others see the rename (protocol.md §7.1.1)', async () => {
    const p = await page();
    const frank = new WebUser(p, base);
    await frank.signIn('Guest', 'frank');
    await carol.create('#renames');
    await frank.joinRoom('#renames');
    // An account has no nickname to change: no such control for it.
    const account = await page();
    await new WebUser(account, base).signIn('Log in', 'carol', PASSWORD);
    assert.equal(await account.getByRole('button', { name: 'Change nickname' }).count(), 0);

    // A registered name is refused with a notice; the guest keeps its name.
    const rename = async (name: string): Promise<void> => {
      await p.getByRole('button', { name: 'Change nickname' }).click();
      await p.getByLabel('New nickname', { exact: true }).fill(name);
      await p.getByRole('button', { name: 'Rename', exact: true }).click();
    };
    await rename('carol');
    await p.locator('.notice-error').first().waitFor();
    assert.match(await p.getByTestId('me').innerText(), /^frank/);
    await p.locator('.nickname-form').getByRole('button', { name: 'Cancel' }).click();

    const seen = carol.once('nick', (r) => r.user === 'frank');
    await rename('frank2');
    assert.deepEqual(await seen, { user: 'frank', name: 'frank2', me: false });
    await p.getByTestId('me').filter({ hasText: 'frank2' }).waitFor();
    const heard = nextMessage(carol, 'hello under a new name');
    await frank.open('#renames');
    await frank.send('hello under a new name');
    assert.equal((await heard).from, 'frank2');
    assert.deepEqual(problems, []);
  });

  it('fits a phone screen and follows a dark system theme', async () => {
    const a = alice.page;
    await a.setViewportSize(PHONE);
    await alice.open('#lobby');
    await screenshot(a, 'chat-phone');
    await alice.sidebar();
    await a.locator('nav#sidebar').waitFor();
    await screenshot(a, 'sidebar-phone');
    await a.keyboard.press('Escape');
    await a.getByRole('button', { name: /^Members/ }).click();
    await a.locator('#members').waitFor();
    await screenshot(a, 'members-phone');
    await a.getByRole('button', { name: 'Close the member list' }).click();

    const login = await page(PHONE);
    await login.goto(base);
    await login.getByRole('button', { name: 'Log in' }).waitFor();
    await screenshot(login, 'login-phone');
    // A guest is taken out of its rooms when its connection ends; a reload joins them again.
    const guest = new WebUser(login, base);
    await guest.signIn('Guest', 'dave');
    await guest.joinRoom('#lobby');
    await login.reload();
    await login.getByTestId('me').filter({ hasText: 'dave' }).waitFor();
    await guest.open('#lobby');
    await guest.sees('hi from node');

    await a.setViewportSize(DESKTOP);
    await a.emulateMedia({ colorScheme: 'dark' });
    const bg = await a.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(18, 21, 28)');
    await screenshot(a, 'chat-desktop-dark');
    // No horizontal scrolling at phone width.
    await a.setViewportSize(PHONE);
    assert.equal(await a.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    assert.deepEqual(problems, []);
  });
});
