// protocol.md §7.6.1 The resume watermark: ids made on different nodes commit and reach a node in
// another order than they were made, so "the highest id seen" is no place to resume from. Three
// nodes on one store and one broker, one of them committing slowly on purpose; readers resume on
// other nodes at random moments, from the watermark of the last MSG they got, and must miss no
// message and show none twice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBrokerHub } from '../../../src/broker/memory.js';
import type { ChatEvent, SessionSink } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import type { Session } from '../../../src/core/session.js';
import type { ChatMessage, NameKey } from '../../../src/core/types.js';
import { RecentIds } from '../../../src/client/recent-ids.js';
import type { Store } from '../../../src/ports/store.js';
import { MemoryPresence } from '../../../src/presence/memory.js';
import { MemoryStore } from '../../../src/store/memory.js';

/** A seeded generator, so a failure can be run again as it was. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The shared store as one node sees it: its appends commit after a random delay of up to `slowMs`. */
function slowAppends(store: Store, slowMs: number, rnd: () => number): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return async (m: ChatMessage, mailboxFor: NameKey[]) => {
          await new Promise((r) => setTimeout(r, Math.floor(rnd() * slowMs)));
          return target.append(m, mailboxFor);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** What a client does with MSGs: the SDK's dedupe (client/recent-ids.ts), the watermark, the highest id. */
class Reader implements SessionSink {
  readonly shown: number[] = [];
  private readonly seen = new RecentIds(100_000);
  safe = 0;
  highest = 0;
  /** Messages that came live below an id already seen: a resume from the highest id would lose them. */
  late = 0;
  notify(e: ChatEvent): void {
    if (e.kind !== 'message' || !e.message.rooms.includes('#busy')) return;
    if (e.message.id < this.highest && !this.seenId(e.message.id)) this.late++;
    this.take(e.message);
    if (e.safe !== undefined && e.safe > this.safe) this.safe = e.safe;
  }
  terminate(): void {}
  take(m: ChatMessage): void {
    if (!this.seen.add(m.id)) return;
    this.shown.push(m.id);
    if (m.id > this.highest) this.highest = m.id;
  }
  seenId(id: number): boolean {
    return this.shown.includes(id);
  }
  get resumePoint(): number {
    return Math.min(this.safe, this.highest);
  }
}

const quiet: SessionSink = { notify: () => undefined, terminate: () => undefined };

describe('protocol.md §7.6.1 The resume watermark across nodes', () => {
  it('one node commits slowly, readers resume on other nodes at random moments: none misses a message, none shows one twice', async () => {
    const rnd = random(20261205);
    const store = new MemoryStore();
    const hub = new MemoryBrokerHub();
    const presence = new MemoryPresence();
    const tokenSecret = new Uint8Array(32).fill(9);
    const common = { presence, tokenSecret, passwords: { scryptLog2N: 10 }, settings: { rateLimit: { perSecond: 100_000, burst: 100_000 }, resumeLimit: 100_000 } };
    const nodes = [
      new ChatNode({ ...common, store, broker: hub.broker(), nodeSlot: 0 }),
      new ChatNode({ ...common, store, broker: hub.broker(), nodeSlot: 1 }),
      new ChatNode({ ...common, store: slowAppends(store, 60, rnd), broker: hub.broker(), nodeSlot: 2 }),
    ];
    for (const n of nodes) await n.start();
    try {
      const founder = await nodes[0].register('founder', 'pw-secret-1', quiet, 't');
      await nodes[0].createRoom(founder.session, '#busy', '');

      // Readers on the fast nodes.
      const readers: { r: Reader; session: Session; token: string; node: number }[] = [];
      for (let i = 0; i < 4; i++) {
        const r = new Reader();
        const node = i % 2;
        const opened = await nodes[node].register(`reader${i}`, 'pw-secret-1', r, 't');
        await nodes[node].join(opened.session, '#busy');
        readers.push({ r, session: opened.session, token: opened.token, node });
      }
      // A sender on every node, the slow one included.
      const senders: Session[] = [];
      for (let i = 0; i < 3; i++) {
        const opened = await nodes[i].register(`sender${i}`, 'pw-secret-1', quiet, 't');
        await nodes[i].join(opened.session, '#busy');
        senders.push(opened.session);
      }

      const perSender = 150;
      const sent: Promise<ChatMessage>[] = [];
      const sending = (async () => {
        for (let k = 0; k < perSender; k++) {
          for (let i = 0; i < 3; i++) sent.push((await nodes[i].submit(senders[i], { cid: `c${i}-${k}`, to: ['#busy'], text: `m ${i} ${k}` })).durable);
          if (k % 5 === 4) await new Promise((r) => setTimeout(r, 1));
        }
      })();
      // Meanwhile readers drop and resume elsewhere, at random moments, as long as messages flow.
      let resumes = 0;
      const resuming = (async () => {
        for (let round = 0; round < 40; round++) {
          await new Promise((r) => setTimeout(r, 2 + Math.floor(rnd() * 15)));
          const x = readers[Math.floor(rnd() * readers.length)];
          await nodes[x.node].end(x.session);
          // Reconnecting takes a while; what is published meanwhile reaches nobody live.
          await new Promise((r) => setTimeout(r, Math.floor(rnd() * 20)));
          const next = (x.node + 1 + Math.floor(rnd() * 2)) % 3;
          const opened = await nodes[next].resume(x.token, x.r, 't');
          // Live delivery to the new session runs from here; the replay covers what came before.
          const missed = await nodes[next].missed(opened.session, x.r.resumePoint);
          assert.equal(missed.gap, undefined);
          for (const m of missed.messages) if (m.rooms.includes('#busy')) x.r.take(m);
          Object.assign(x, { session: opened.session, token: opened.token, node: next });
          resumes++;
        }
      })();
      await sending;
      const stored = await Promise.all(sent);
      await resuming;
      // Every node has published everything: a message sent now comes after all of them.
      const last = await nodes[0].send(senders[0], { cid: 'last', to: ['#busy'], text: 'last' });
      await Promise.all(readers.map(({ r }) => until(() => r.highest >= last.id)));

      const all = [...stored.map((m) => m.id), last.id].sort((a, b) => a - b);
      assert.equal(new Set(all).size, 3 * perSender + 1);
      for (const { r } of readers) {
        assert.deepEqual([...r.shown].sort((a, b) => a - b), all, 'every message, each once');
      }
      assert.equal(resumes, 40);
      // The slow node made this real: messages came below ids already seen, which a resume from
      // the highest id seen would have skipped.
      assert.ok(readers.reduce((n, { r }) => n + r.late, 0) > 0, 'the scenario had late messages');
    } finally {
      for (const n of nodes) await n.stop();
    }
  });
});

/** Waits (in turns of the event loop, bounded) until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(cond(), 'never');
}
