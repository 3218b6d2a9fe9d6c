// The web client's weight and speed: the built bundle's size (raw, as served, and gzipped), and
// on loopback the time from navigation to the first message on screen, for a new guest (who logs
// in) and for a returning tab (that resumes its session from sessionStorage). Chromium (Debian's
// by default) through playwright-core. Run: npx tsx bench/web.ts [--runs N] (after npm run build).
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { connect } from '../src/client/node.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { defaultWebRoot } from '../src/http/web-client.js';
import { startServer } from '../src/server.js';

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface WebBenchResult {
  bundle: { files: BundleFile[]; bytes: number; gzipBytes: number };
  /** Milliseconds from navigation start, medians over `runs` fresh browser contexts. */
  guest: { formReadyMs: number; firstMessageMs: number; loginToMessageMs: number };
  resumed: { firstMessageMs: number };
  runs: number;
}

/** What the page loads: the HTML and everything under assets/ (gzip level 9, as a server would). */
export function bundleSize(root: string): WebBenchResult['bundle'] {
  const files: BundleFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(html|js|css)$/.test(name)) {
        const data = readFileSync(path);
        files.push({ file: relative(root, path), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(root);
  files.sort((a, b) => a.file.localeCompare(b.file));
  return { files, bytes: sum(files.map((f) => f.bytes)), gzipBytes: sum(files.map((f) => f.gzipBytes)) };
}

/** Records, in the page's own clock (0 = navigation start), when the login form and the first message appear. */
const PROBE = `
  window.__confabBench = {};
  document.addEventListener('submit', () => { window.__confabBench.submit ??= performance.now(); }, true);
  new MutationObserver(() => {
    const b = window.__confabBench;
    if (b.form === undefined && document.querySelector('form.login-card button[type=submit]')) b.form = performance.now();
    if (b.message === undefined && document.querySelector('li.message p.text')) b.message = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

interface Marks { form?: number; submit?: number; message?: number }

export async function measureWeb(options: { runs: number; chromium: string }): Promise<WebBenchResult> {
  const webRoot = defaultWebRoot();
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`${webRoot} has no index.html: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-web-'));
  // The production defaults on ephemeral ports, without the seed-protocol listeners.
  const config = {
    ...DEFAULTS,
    dataDir,
    http: { ...DEFAULTS.http, port: 0 },
    tls: { ...DEFAULTS.tls, port: 0 },
    quic: undefined,
    cp: { ...DEFAULTS.cp, enabled: false },
    chatos: { ...DEFAULTS.chatos, enabled: false },
    chatapp: { ...DEFAULTS.chatapp, enabled: false },
    irc: undefined,
  };
  const server = await startServer(config, { logger: pino({ level: 'silent' }), webRoot });
  let browser: Browser | undefined;
  try {
    const base = `http://127.0.0.1:${server.http?.port}/`;
    const poster = await connect(`ws://127.0.0.1:${server.http?.port}/ws`);
    await poster.register('poster', 'bench password 1');
    await poster.join('#general');
    await poster.send('#general', 'the first message');
    await poster.close();

    browser = await chromium.launch({ executablePath: options.chromium, args: ['--no-sandbox'] });
    const guestForm: number[] = [];
    const guestFirst: number[] = [];
    const guestLogin: number[] = [];
    const resumedFirst: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      await page.goto(base);
      await page.getByLabel('Guest', { exact: true }).check();
      await page.getByLabel('Nickname').fill(`guest${i}`);
      await page.getByRole('button', { name: 'Join as guest' }).click();
      await page.locator('li.message p.text').first().waitFor();
      const fresh = (await page.evaluate('window.__confabBench')) as Marks;
      guestForm.push(fresh.form ?? NaN);
      guestFirst.push(fresh.message ?? NaN);
      guestLogin.push((fresh.message ?? NaN) - (fresh.submit ?? NaN));
      await page.reload();
      await page.locator('li.message p.text').first().waitFor();
      const again = (await page.evaluate('window.__confabBench')) as Marks;
      resumedFirst.push(again.message ?? NaN);
      await context.close();
    }
    return {
      bundle: bundleSize(webRoot),
      guest: { formReadyMs: median(guestForm), firstMessageMs: median(guestFirst), loginToMessageMs: median(guestLogin) },
      resumed: { firstMessageMs: median(resumedFirst) },
      runs: options.runs,
    };
  } finally {
    await browser?.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return Math.round((s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2) * 10) / 10;
}

/** The result as Markdown: the bundle's files, then the medians. */
export function formatWebReport(r: WebBenchResult): string {
  const kB = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
  const lines = ['| file | raw | gzip -9 |', '|---|---:|---:|'];
  for (const f of r.bundle.files) lines.push(`| ${f.file} | ${kB(f.bytes)} | ${kB(f.gzipBytes)} |`);
  lines.push(`| **total** | **${kB(r.bundle.bytes)}** | **${kB(r.bundle.gzipBytes)}** |`, '');
  lines.push(`Medians of ${r.runs} fresh browser contexts on loopback, from navigation start:`);
  lines.push(`- login form ready: ${r.guest.formReadyMs} ms`);
  lines.push(`- first message on screen, new guest (logs in, joins #general): ${r.guest.firstMessageMs} ms`);
  lines.push(`  (of which from pressing "Join as guest": ${r.guest.loginToMessageMs} ms; the rest is the script typing)`);
  lines.push(`- first message on screen, reloaded tab (resumes its session): ${r.resumed.firstMessageMs} ms`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, chromium: { type: 'string', default: '/usr/bin/chromium' } } });
  const result = await measureWeb({ runs: Math.max(1, Number(values.runs)), chromium: values.chromium });
  process.stdout.write(formatWebReport(result));
}
