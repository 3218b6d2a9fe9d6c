#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's built-in test runner.
// Node 20's --test does not expand globs, so the file list is gathered here.
//
// For the whole run every default port (TCP and UDP 7443, 8080, 5035, 7777, 1234, ...) is held,
// as `npm start` would hold them: a test that binds one fails with EADDRINUSE, and one that
// connects to one fails the run, so the suite passes beside a running server or not at all.
//
//   node scripts/run-tests.js [--root DIR] [FILTER...]   FILTER: part of a test file's path
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { guardPorts, portName } from '../dist/test/runner/default-port-guard.js';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
let root = 'dist/test';
const at = args.indexOf('--root');
if (at >= 0) [, root] = args.splice(at, 2);
let files = collect(root, []).sort();
if (args.length) files = files.filter((f) => args.some((x) => f.includes(x)));

const guard = await guardPorts(undefined, (t) => console.error(`\nDEFAULT PORT REACHED: a test sent a ${t.kind} to ${portName(t.port)}\n`));
const list = (ports) => ports.map(portName).join(', ');
console.error(`default ports held for the run (a test that binds one fails with EADDRINUSE): ${list(guard.held) || 'none'}`);
if (guard.busy.length) console.error(`in use by another program (a running server?), so no test can bind them either: ${list(guard.busy)}`);

// A hung test fails after two minutes instead of holding the whole run; the run itself is capped too.
const RUN_TIMEOUT_MS = 20 * 60 * 1000;
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files], { stdio: 'inherit' });
const timer = setTimeout(() => {
  console.error(`the test run took longer than ${RUN_TIMEOUT_MS / 60_000} minutes: stopped`);
  child.kill('SIGKILL');
}, RUN_TIMEOUT_MS);
const status = await new Promise((resolve) => {
  child.on('error', (err) => {
    console.error(err.message);
    resolve(1);
  });
  child.on('exit', (code) => resolve(code ?? 1));
});
clearTimeout(timer);
await guard.close();

if (guard.touches.length) {
  const seen = [...new Set(guard.touches.map((t) => `${portName(t.port)}: ${t.kind}`))];
  console.error(`\nFAILED: tests reached default ports, where a running server would have answered them:\n  ${seen.join('\n  ')}\nGive every test server port 0 and connect to the port it reports.`);
  process.exit(1);
}
if (status !== 0) console.error(`\n(default ports were held during the run: a test that failed with EADDRINUSE on one binds a default port; give it port 0)`);
process.exit(status);
