// Drives the web client in Debian's chromium (playwright-core) for the browser tests.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** The repository: tests run from test/ (tsx) and from dist/test (compiled). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'web', 'index.html'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('cannot find web/index.html above the test');
    dir = up;
  }
  return dir;
}

/** web/dist, built now if it is missing (npm run build builds it; a lone test run may not have). */
export async function builtWebRoot(): Promise<string> {
  const web = join(repoRoot(), 'web');
  const dist = join(web, 'dist');
  if (!existsSync(join(dist, 'index.html'))) {
    const vite = await import('vite');
    await vite.build({ root: web, logLevel: 'warn' });
  }
  return dist;
}

/**
 * A name the browser resolves to 127.0.0.1. A page loaded by it over http is not a secure
 * context (only localhost, loopback addresses and https are), as a server reached by its LAN
 * address is not, so the tests can see what such a user sees without leaving loopback.
 */
export const PLAIN_HTTP_HOST = 'confab.test';
/**
 * Another name the browser resolves to 127.0.0.1, which the server is not told about: a page
 * loaded by it is what a DNS rebinding attack looks like (an attacker's name, our address).
 */
export const REBOUND_HOST = 'rebound.test';

export function launch(): Promise<Browser> {
  const rules = [PLAIN_HTTP_HOST, REBOUND_HOST].map((name) => `MAP ${name} 127.0.0.1`).join(',');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', `--host-resolver-rules=${rules}`] });
}

export async function newPage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, colorScheme: 'light' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Saves a PNG of the page under test-artifacts/screenshots (outside version control, so a test
 * run leaves the checkout clean). docs/screenshots holds the copies the README shows; refresh
 * them by copying these over after a visible change to the client.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(repoRoot(), 'test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** What a user does in the web client, through its labelled controls. */
export class WebUser {
  constructor(readonly page: Page, readonly base: string) {}

  async signIn(mode: 'Log in' | 'Register' | 'Guest', name: string, password = ''): Promise<void> {
    const p = this.page;
    if (!p.url().startsWith(this.base)) await p.goto(this.base);
    await p.getByLabel(mode, { exact: true }).check();
    await p.getByLabel(mode === 'Guest' ? 'Nickname' : 'Name', { exact: true }).fill(name);
    if (mode !== 'Guest') await p.getByLabel('Password', { exact: true }).fill(password);
    await p.getByRole('button', { name: mode === 'Register' ? 'Create account' : mode === 'Guest' ? 'Join as guest' : 'Log in' }).click();
    await p.getByTestId('me').filter({ hasText: name }).waitFor();
  }

  /** Opens the sidebar when it is a drawer (phone width). */
  async sidebar(): Promise<void> {
    const menu = this.page.getByRole('button', { name: 'Conversations' });
    if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
  }

  async joinRoom(room: string): Promise<void> {
    await this.sidebar();
    await this.page.getByLabel('Room name').fill(room);
    await this.page.getByRole('button', { name: 'Join', exact: true }).click();
    await this.title().filter({ hasText: room }).waitFor();
  }

  async open(name: string): Promise<void> {
    await this.sidebar();
    await this.page.locator(`nav button.conversation[data-key="${name.toLowerCase()}"]`).click();
  }

  title() {
    return this.page.locator('#conversation-title');
  }

  composer() {
    return this.page.locator('#composer-text');
  }

  async send(text: string): Promise<void> {
    await this.composer().fill(text);
    await this.composer().press('Enter');
  }

  /** The message (in the open conversation) whose text is exactly `text`. */
  message(text: string) {
    return this.page.locator('li.message').filter({ has: this.page.locator('p.text', { hasText: text }) });
  }

  async sees(text: string): Promise<void> {
    await this.message(text).first().waitFor();
  }

  async waitForStatus(state: string): Promise<void> {
    await this.page.locator(`.topbar .status[data-state="${state}"]`).waitFor();
  }

  unreadBadge(key: string) {
    return this.page.locator(`nav button.conversation[data-key="${key}"] [data-testid="unread"]`);
  }
}
