// docs/irc.md and the gateway agree (docs/irc.md §4.4, §5, §6, §9): every ISUPPORT token, every
// capability, every command and every numeric the gateway can send is documented.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../../../src/gateways/irc/commands.js';
import { CAPS } from '../../../../src/gateways/irc/commands/registration.js';
import { ISUPPORT } from '../../../../src/gateways/irc/isupport.js';
import { ERR } from '../../../../src/gateways/irc/numerics.js';

function doc(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'docs', 'irc.md'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('docs/irc.md not found');
    dir = up;
  }
  return readFileSync(join(dir, 'docs', 'irc.md'), 'utf8');
}

function section(text: string, heading: string): string {
  const at = text.indexOf(heading);
  assert.ok(at >= 0, `no section ${heading}`);
  const next = text.indexOf('\n## ', at + heading.length);
  return text.slice(at, next < 0 ? undefined : next);
}

describe('docs/irc.md matches the gateway', () => {
  const text = doc();

  it('§4.4 lists every ISUPPORT token the server sends, and no other', () => {
    const table = section(text, '### 4.4. ISUPPORT');
    const documented = [...table.matchAll(/^\| `([A-Z0-9]+(?:=[^`]*)?)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), [...ISUPPORT].sort());
  });

  it('§5 lists every capability offered, and no other', () => {
    const table = section(text, '## 5. Capabilities');
    const documented = [...table.matchAll(/^\| `([a-z0-9/-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), [...CAPS.keys()].sort());
  });

  it('§6 lists every command of the table', () => {
    const table = section(text, '## 6. Commands');
    for (const name of Object.keys(commands)) assert.match(table, new RegExp(`\`${name}\``), name);
  });

  it('§9.1 documents every error numeric', () => {
    const table = section(text, '## 9. Errors');
    for (const [name, code] of Object.entries(ERR)) {
      const range = [...table.matchAll(/`(\d{3})`-`(\d{3})`/g)].some((m) => Number(code) >= Number(m[1]) && Number(code) <= Number(m[2]));
      assert.ok(range || table.includes(`\`${code}`), `${code} ${name}`);
    }
  });
});
