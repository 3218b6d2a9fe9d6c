// scripts/system-packages.js, the first step of `npm test` (README: npm test on a fresh Debian
// machine with only Node.js). Each case runs the script as a process of its own with a PATH of
// its own: what it finds there decides what is missing. The package manager is a stand-in that
// records what it was asked and puts the programs in place, since a test must not install
// packages on the machine it runs on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const compiled = import.meta.url.endsWith('.js');
const REPO_ROOT = join(import.meta.dirname, ...(compiled ? ['..', '..', '..'] : ['..', '..']));
const root = process.getuid?.() === 0;
/** An unprivileged user to run as, when the tests run as root. */
const NOBODY = 65534;
/** The programs that show the PostgreSQL and Redis packages are there. */
const ENGINES = ['pg_ctlcluster', 'redis-server'];
/** Every other program the tests need besides chromium and tmux. */
const OTHERS = [...ENGINES, 'irssi', 'weechat-headless', 'python3-irc'];

describe('README npm test on a fresh Debian machine: the packages step', { timeout: 30_000 }, () => {
  let dir: string;
  let n = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-packages-'));
    chmodSync(dir, 0o755);
    // A copy anyone can read and run: the script stands alone.
    copyFileSync(join(REPO_ROOT, 'scripts', 'system-packages.js'), join(dir, 'system-packages.js'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  interface Machine {
    bin: string;
    chromium: string;
    /** Where python3-irc's library file goes (a library: looked for by path, not on PATH). */
    pythonIrc: string;
    log: string;
  }

  /** A PATH directory holding `programs` (empty scripts) and, unless `apt` is false, an apt-get stand-in. */
  function machine(programs: string[], apt: 'works' | 'fails' | false = 'works'): Machine {
    const base = join(dir, `m${++n}`);
    const bin = join(base, 'bin');
    mkdirSync(bin, { recursive: true, mode: 0o755 });
    chmodSync(base, 0o755);
    const m = { bin, chromium: join(base, 'chromium'), pythonIrc: join(base, 'irc-client.py'), log: join(base, 'apt.log') };
    const install = (path: string): void => {
      writeFileSync(path, '#!/bin/sh\n');
      chmodSync(path, 0o755);
    };
    for (const p of programs) install(p === 'chromium' ? m.chromium : p === 'python3-irc' ? m.pythonIrc : join(bin, p));
    if (apt) {
      // Records each call with DEBIAN_FRONTEND; "install" puts the packages' programs in place.
      install(join(bin, 'apt-get'));
      writeFileSync(
        join(bin, 'apt-get'),
        `#!/bin/sh
echo "$DEBIAN_FRONTEND $*" >> ${m.log}
${apt === 'fails' ? 'exit 100' : ''}
if [ "$1" = install ]; then
  for p in "$@"; do
    case "$p" in
      chromium) target=${m.chromium} ;;
      tmux) target=${bin}/tmux ;;
      postgresql) target=${bin}/pg_ctlcluster ;;
      redis-server) target=${bin}/redis-server ;;
      irssi) target=${bin}/irssi ;;
      weechat-headless) target=${bin}/weechat-headless ;;
      python3-irc) target=${m.pythonIrc} ;;
      *) continue ;;
    esac
    echo '#!/bin/sh' > "$target" && /bin/chmod 755 "$target"
  done
fi
`,
      );
    }
    return m;
  }

  async function run(m: Machine, asRoot: boolean): Promise<{ code: number | null; err: string; calls: string[] }> {
    const child = spawn(process.execPath, [join(dir, 'system-packages.js')], {
      cwd: dir,
      env: { PATH: m.bin, CONFAB_CHROMIUM: m.chromium, CONFAB_PYTHON_IRC: m.pythonIrc, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(root && !asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let err = '';
    child.stdout.on('data', (c: Buffer) => (err += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const calls = existsSync(m.log) ? readFileSync(m.log, 'utf8').trim().split('\n') : [];
    return { code, err, calls };
  }

  it('does nothing when every package is there', async () => {
    const m = machine(['chromium', 'tmux', ...OTHERS]);
    assert.deepEqual(await run(m, root), { code: 0, err: '', calls: [] });
  });

  it('as root, installs what is missing: apt-get update, then apt-get install -y', { skip: !root && 'needs root' }, async () => {
    const m = machine(['tmux', ...OTHERS]);
    const r = await run(m, true);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.calls, ['noninteractive update', 'noninteractive install -y chromium']);
    assert.match(r.err, /chromium \(.*\): the web client's browser tests/);
    // Everything there now: the next run does nothing.
    assert.deepEqual(await run(m, true), { code: 0, err: '', calls: r.calls });
  });

  it('as root, stops when apt-get fails', { skip: !root && 'needs root' }, async () => {
    const r = await run(machine([], 'fails'), true);
    assert.equal(r.code, 1);
    assert.deepEqual(r.calls, ['noninteractive update']);
    assert.match(r.err, /apt-get update failed/);
  });

  it('as another user, prints the exact command and stops, installing nothing', async () => {
    const r = await run(machine([]), false);
    assert.equal(r.code, 1);
    assert.deepEqual(r.calls, []);
    assert.ok(r.err.split('\n').includes('  sudo apt-get update && sudo apt-get install -y chromium tmux postgresql redis-server irssi weechat-headless python3-irc'), r.err);
    assert.match(r.err, /tmux \(tmux\): the terminal client's tests/);
    assert.match(r.err, /postgresql \(pg_ctlcluster\): the PostgreSQL store contract suite/);
    assert.match(r.err, /redis-server \(redis-server\): the Redis broker and presence contract suites/);
  });

  it('without apt-get, names what is missing and stops', async () => {
    const r = await run(machine(['chromium', ...OTHERS], false), root);
    assert.equal(r.code, 1);
    assert.match(r.err, /missing:\n {2}tmux \(tmux\)/);
    assert.match(r.err, /system's package manager/);
  });
});
