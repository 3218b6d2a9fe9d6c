#!/usr/bin/env node
// The Debian packages the tests need beside Node.js, checked first by `npm test`. Missing ones
// are installed when it runs as root (apt-get update, then apt-get install -y, as on a fresh CI
// machine); otherwise it prints the command that installs them and stops, before anything is
// built, so a person is told at once rather than by a failing browser or terminal test.
//
// One line per package: its name, the program that shows it is there (a command looked up on
// PATH, or an absolute path; `file: true` for a library, whose file need only exist), and what
// needs it. A store, broker or gateway whose tests need a package adds its line here, e.g.
//   { name: 'postgresql', program: 'pg_ctlcluster', for: 'the PostgreSQL store contract suite' },
//   { name: 'redis-server', program: 'redis-server', for: 'the Redis broker tests' },
//   { name: 'irssi', program: 'irssi', for: 'the IRC gateway client tests' },
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const PACKAGES = [
  { name: 'chromium', program: process.env.CONFAB_CHROMIUM || '/usr/bin/chromium', for: "the web client's browser tests" },
  { name: 'tmux', program: 'tmux', for: "the terminal client's tests" },
  { name: 'postgresql', program: 'pg_ctlcluster', for: 'the PostgreSQL store contract suite and the cluster tests' },
  { name: 'redis-server', program: 'redis-server', for: 'the Redis broker and presence contract suites and the cluster tests' },
  { name: 'irssi', program: 'irssi', for: 'the IRC gateway client tests' },
  { name: 'weechat-headless', program: 'weechat-headless', for: 'the IRC gateway client tests' },
  { name: 'python3-irc', program: process.env.CONFAB_PYTHON_IRC || '/usr/lib/python3/dist-packages/irc/client.py', file: true, for: 'the IRC gateway client tests' },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function found(program, file = false) {
  if (file) return existsSync(program);
  if (isAbsolute(program)) return executable(program);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, program)));
}

const missing = () => PACKAGES.filter((p) => !found(p.program, p.file));
const wanted = missing();
if (wanted.length === 0) process.exit(0);

const names = wanted.map((p) => p.name);
const why = wanted.map((p) => `  ${p.name} (${p.program}): ${p.for}`).join('\n');
console.error(`npm test needs these packages, which are missing:\n${why}`);

if (!found('apt-get')) {
  console.error('\nInstall them with the system\'s package manager (they are Debian\'s names), then run npm test again.');
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error(`\nInstall them, then run npm test again:\n\n  sudo apt-get update && sudo apt-get install -y ${names.join(' ')}\n`);
  process.exit(1);
}

const apt = (args) => {
  console.error(`\n$ apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(`apt-get ${args[0]} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status ?? r.signal})`}`);
    process.exit(1);
  }
};
apt(['update']);
apt(['install', '-y', ...names]);

const still = missing();
if (still.length > 0) {
  console.error(`still missing after apt-get install: ${still.map((p) => `${p.name} (${p.program})`).join(', ')}`);
  process.exit(1);
}
