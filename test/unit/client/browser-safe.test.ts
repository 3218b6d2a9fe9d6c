// The browser entry of the SDK (src/client/index.ts) and everything it imports must run in a
// browser: no Node built-ins, and no packages but those written for browsers too and chosen for
// that (BROWSER_SAFE). Checked by walking the import graph of the sources.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the nearest directory up holding the sources (tests also run compiled, from dist/). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'src/client/index.ts'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('cannot find src/client/index.ts above the test');
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();
/**
 * Packages the browser entry may import: dependency-free, written for browsers and Node alike.
 * unhomoglyph's table is plain JSON data (the name rule, src/core/names.ts, reads it).
 */
const BROWSER_SAFE = ['@noble/hashes/', 'unhomoglyph/data.json'];
const SPECIFIER = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module reachable from `entry`, and every import that is not a relative source file. */
function walk(entry: string): { files: string[]; outside: string[] } {
  const seen = new Set<string>();
  const outside: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) {
        outside.push(`${relative(ROOT, file)} imports ${spec}`);
        continue;
      }
      queue.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return { files: [...seen].map((f) => relative(ROOT, f)).sort(), outside };
}

describe('client SDK browser entry', () => {
  it('imports nothing from Node, and no package but the browser-safe ones', () => {
    const { files, outside } = walk(join(ROOT, 'src/client/index.ts'));
    assert.deepEqual(outside.filter((o) => !BROWSER_SAFE.some((p) => o.split(' imports ')[1].startsWith(p))), []);
    assert.ok(outside.length > 0, 'the walk sees package imports (the SHA-256 fallback)');
    assert.ok(files.includes('src/client/client.ts'));
    assert.ok(files.includes('src/protocol/codec.ts'));
    assert.ok(!files.some((f) => /transport-node|node-socket|transport-ws-node|src\/client\/node\.ts/.test(f)), files.join(', '));
  });

  it('the Node entry does pull in the Node transports (the walk sees them)', () => {
    const { outside } = walk(join(ROOT, 'src/client/node.ts'));
    assert.ok(outside.some((o) => o.endsWith('node:tls')));
    assert.ok(outside.some((o) => o.endsWith(' ws')));
  });
});
