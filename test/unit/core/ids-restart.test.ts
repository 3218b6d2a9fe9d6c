// Message ids across a restart whose clock stepped back (protocol.md §7.3: unique, increasing),
// on a real SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SessionSink } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sink: SessionSink = { notify: () => undefined, terminate: () => undefined };
const T = Date.UTC(2026, 5, 1, 12, 0, 0);

async function startNode(now: () => number): Promise<{ node: ChatNode; store: SqliteStore }> {
  const store = new SqliteStore({ path: join(dir, 'confab.db') });
  const node = new ChatNode({ store, now, tokenSecret: new Uint8Array(32) });
  await node.start();
  return { node, store };
}

describe('protocol.md §7.3 Messages: ids after a restart', () => {
  it('a node whose clock is an hour behind the stored messages still makes ids above them, in order', async () => {
    const first = await startNode(() => T);
    const alice = await first.node.register('alice', 'secret-pw', sink, 'test');
    const before: number[] = [];
    for (let i = 0; i < 5; i++) before.push((await first.node.send(alice.session, { cid: `a${i}`, to: ['#general'], text: `before ${i}` })).id);
    await first.node.stop();
    await first.store.close();

    // The clock stepped back across the restart.
    const second = await startNode(() => T - 3_600_000);
    const again = await second.node.login('alice', 'secret-pw', sink, 'test');
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push((await second.node.send(again.session, { cid: `b${i}`, to: ['#general'], text: `after ${i}` })).id);
    assert.ok(after[0] > Math.max(...before), `${after[0]} > ${Math.max(...before)}`);
    for (let i = 1; i < after.length; i++) assert.ok(after[i] > after[i - 1]);
    // History keeps the order in which things were said, and nothing collided.
    const page = await second.node.history(again.session, '#general', { limit: 20 });
    assert.deepEqual(page.messages.map((m) => m.text), [...before.map((_, i) => `before ${i}`), ...after.map((_, i) => `after ${i}`)]);
    await second.node.stop();
    await second.store.close();
  });
});
