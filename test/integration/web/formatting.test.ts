// What chat users expect from the web client beyond plain text, in a real browser: light
// formatting and links rendered safely, mentions highlighted, a notification for a direct message
// or a mention while the page is hidden, and the whole user name in the top bar of a phone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { connect, type ChatClient } from '../../../src/client/node.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { builtWebRoot, launch, newPage, PHONE, screenshot, WebUser } from './browser.js';

const PASSWORD = 'correct horse battery';
/** As long as a user name may be (32 characters). */
const LONG_NAME = 'Maximiliana-Konstantinopoulou_32';

describe('web client: formatting, mentions and notifications', { timeout: 90_000 }, () => {
  let dataDir: string;
  let test: TestServer;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let bob: ChatClient;
  const problems: string[] = [];

  const user = async (viewport?: { width: number; height: number }): Promise<WebUser> => {
    const made = await newPage(browser, viewport);
    contexts.push(made.context);
    made.page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    made.page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    return new WebUser(made.page, base);
  };

  before(async () => {
    const webRoot = await builtWebRoot();
    dataDir = mkdtempSync(join(tmpdir(), 'confab-web-format-'));
    test = await startTestServer({ dataDir, httpPort: 0, webRoot, rateLimit: { perSecond: 500, burst: 500 } });
    base = `http://127.0.0.1:${test.server.http?.port ?? 0}/`;
    browser = await launch();
    bob = await connect(`ws://127.0.0.1:${test.server.http?.port ?? 0}/ws`);
    await bob.register('bob', PASSWORD);
  });

  after(async () => {
    await bob?.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await test?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders formatting and links safely, and highlights a mention of the reader', async () => {
    const alice = await user();
    const a = alice.page;
    await alice.signIn('Register', 'alice', PASSWORD);
    await alice.title().filter({ hasText: '#general' }).waitFor();
    // Not asked yet: the page offers notifications, and asks only when the user clicks.
    await a.getByRole('button', { name: 'Notify me' }).waitFor();
    await bob.send('#general', 'read **this** and _that_ at https://example.com/docs?a=1&b=2. `x < y`\n> as @alice said\n```\n<b>not bold</b>\n```');
    await bob.send('#general', 'bad links: javascript:alert(1) data:text/html,<script>alert(1)</script> and @carol');
    const rich = a.locator('li.message').filter({ hasText: 'read this' });
    await rich.waitFor();
    assert.equal(await rich.locator('strong').textContent(), 'this');
    assert.equal(await rich.locator('em').textContent(), 'that');
    assert.equal(await rich.locator('p.text code').textContent(), 'x < y');
    assert.equal(await rich.locator('pre code').textContent(), '<b>not bold</b>');
    assert.equal(await rich.locator('b').count(), 0);
    const link = rich.locator('a');
    assert.deepEqual(
      [await link.getAttribute('href'), await link.getAttribute('rel'), await link.getAttribute('target')],
      ['https://example.com/docs?a=1&b=2', 'noopener noreferrer', '_blank'],
    );
    // The quote names alice: the message is marked for her, and the mention itself too.
    assert.equal(await rich.getAttribute('class'), 'message mentioned');
    assert.equal(await rich.locator('blockquote .mention.me').textContent(), '@alice');

    const bad = a.locator('li.message').filter({ hasText: 'bad links' });
    await bad.waitFor();
    assert.equal(await bad.locator('a').count(), 0);
    assert.equal(await bad.locator('script').count(), 0);
    assert.equal(await bad.getAttribute('class'), 'message');
    await screenshot(a, 'formatting-desktop');
    assert.deepEqual(problems, []);
  });

  it('notifies of a direct message and of a mention while the page is hidden, and of nothing else', async () => {
    const dave = await user();
    const d = dave.page;
    await d.context().grantPermissions(['notifications'], { origin: base });
    // Which notifications the page made, as the browser was asked to show them. Headless chromium
    // keeps every page visible whatever is in front, so the page's visibility is switched here
    // as a tab switch would switch it (document.hidden and a visibilitychange event).
    await d.addInitScript(() => {
      const Real = window.Notification;
      const shown: { title: string; body: string; tag: string }[] = [];
      const w = window as unknown as { shown: typeof shown; hide: (on: boolean) => void };
      w.shown = shown;
      let hidden = false;
      Object.defineProperty(document, 'hidden', { get: () => hidden });
      Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
      w.hide = (on) => {
        hidden = on;
        document.dispatchEvent(new Event('visibilitychange'));
      };
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
        }
      } as typeof Notification;
    });
    await dave.signIn('Register', 'dave', PASSWORD);
    // Permission was given already: the page offers no button for it.
    assert.equal(await d.getByRole('button', { name: 'Notify me' }).count(), 0);

    await d.evaluate(() => (window as unknown as { hide: (on: boolean) => void }).hide(true));
    await bob.send('#general', 'chatter nobody is alerted to');
    await bob.send('#general', 'a question for @Dave');
    await bob.send('dave', 'psst, a direct one');
    await d.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length >= 2);
    const shown = await d.evaluate(() => (window as unknown as { shown: unknown[] }).shown);
    assert.deepEqual(shown, [
      { title: 'bob in #general', body: 'a question for @Dave', tag: '#general' },
      { title: 'bob', body: 'psst, a direct one', tag: 'bob' },
    ]);

    // In front again, nothing more is shown: the page itself shows what comes.
    await d.evaluate(() => (window as unknown as { hide: (on: boolean) => void }).hide(false));
    await bob.send('dave', 'seen in the page');
    await dave.open('bob');
    await dave.sees('seen in the page');
    assert.equal(await d.evaluate(() => (window as unknown as { shown: unknown[] }).shown.length), 2);
    assert.deepEqual(problems, []);
  });

  it('shows the whole user name in the top bar of a phone', async () => {
    await bob.send('#general', 'warming up');
    const long = await user(PHONE);
    await long.signIn('Register', LONG_NAME, PASSWORD);
    const me = long.page.getByTestId('me');
    const fits = await me.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { inside: box.left >= 0 && box.right <= window.innerWidth, whole: el.scrollWidth <= el.clientWidth, text: el.textContent };
    });
    assert.deepEqual(fits, { inside: true, whole: true, text: LONG_NAME });
    assert.equal(await long.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    await screenshot(long.page, 'long-name-phone');
    assert.deepEqual(problems, []);
  });
});
