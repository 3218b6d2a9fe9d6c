// What the core's unit tests share: a started node on a memory store, users registered on it
// with an inbox each, and the check that a call fails with a given coded error.
import assert from 'node:assert/strict';
import type { ChatEvent, SessionSink } from '../../../src/core/events.js';
import { ChatError } from '../../../src/core/errors.js';
import { ChatNode, type ChatNodeOptions } from '../../../src/core/node.js';
import type { Session } from '../../../src/core/session.js';
import type { OpenOptions } from '../../../src/core/sessions.js';
import { MemoryBrokerHub } from '../../../src/broker/memory.js';
import { MemoryPresence } from '../../../src/presence/memory.js';
import { MemoryStore } from '../../../src/store/memory.js';

/** The events a session was told, in order. */
export class Inbox implements SessionSink {
  readonly events: ChatEvent[] = [];
  notify(e: ChatEvent): void {
    this.events.push(e);
  }
  terminate(): void {}
  of<K extends ChatEvent['kind']>(kind: K): Extract<ChatEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<ChatEvent, { kind: K }> => e.kind === kind);
  }
}

export async function rejects(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ChatError && e.errorName === name, `expected ${name}`);
}

export const PASSWORD = 'pw-secret-1';

/** A started node on a memory store: cheap password hashing, and an action budget no test meets. */
export async function startNode(options: Partial<ChatNodeOptions> = {}): Promise<{ node: ChatNode; store: MemoryStore }> {
  const store = new MemoryStore();
  const node = new ChatNode({ store, passwords: { scryptLog2N: 10 }, settings: { actionRate: { perMinute: 10_000, burst: 10_000 } }, ...options });
  await node.start();
  return { node, store };
}

/** Registers a user of `node` with a new inbox of its own: `open('alice')`. */
export function registrar<I extends SessionSink>(node: ChatNode, inbox: () => I, opts: OpenOptions = {}): (name: string) => Promise<{ session: Session; inbox: I }> {
  return async (name) => {
    const sink = inbox();
    const { session } = await node.register(name, PASSWORD, sink, 't', opts);
    return { session, inbox: sink };
  };
}

/** Two started nodes of one cluster: one store and presence, a memory broker between them. */
export async function startTwoNodes(): Promise<{ a: ChatNode; b: ChatNode; store: MemoryStore; stop(): Promise<void> }> {
  const store = new MemoryStore();
  const hub = new MemoryBrokerHub();
  const opts = { store, presence: new MemoryPresence(), passwords: { scryptLog2N: 10 } };
  const a = new ChatNode({ ...opts, broker: hub.broker(), nodeSlot: 0 });
  const b = new ChatNode({ ...opts, broker: hub.broker(), nodeSlot: 1 });
  await a.start();
  await b.start();
  return {
    a,
    b,
    store,
    async stop() {
      await a.stop();
      await b.stop();
    },
  };
}
