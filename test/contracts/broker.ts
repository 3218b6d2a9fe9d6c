// The behaviour every Broker engine must have. Run it with a factory per engine:
// memory (broker-memory.test.ts), later redis and nats.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Broker, BrokerEventHandler } from '../../src/ports/broker.js';

/** One isolated bus per test (a hub, or a fresh channel namespace on a real server). */
export interface BrokerFabric {
  /** A broker for one more node on this bus. */
  node(): Promise<Broker>;
  /** Closes whatever the fabric opened (brokers made by node() are closed by the suite). */
  close(): Promise<void>;
}

interface Received { channel: string; text: string }

/** A node under test: its broker and what it received, with a way to await more. */
class Probe implements BrokerEventHandler {
  readonly got: Received[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly broker: Broker) {
    broker.setHandler(this);
  }
  handlePublication(channel: string, payload: Uint8Array): void {
    this.got.push({ channel, text: Buffer.from(payload).toString('latin1') });
    for (const w of this.waiters.splice(0)) w();
  }
  texts(channel?: string): string[] {
    return this.got.filter((r) => channel === undefined || r.channel === channel).map((r) => r.text);
  }
  /** Waits until a publication matching pred has arrived. */
  async until(pred: (r: Received) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.got.some(pred)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.got)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }
}

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

export function brokerContract(engine: string, makeFabric: () => Promise<BrokerFabric>): void {
  describe(`Broker contract: ${engine}`, () => {
    let fabric: BrokerFabric;
    let probes: Probe[];
    const node = async (): Promise<Probe> => {
      const p = new Probe(await fabric.node());
      probes.push(p);
      return p;
    };

    beforeEach(async () => {
      fabric = await makeFabric();
      probes = [];
    });
    afterEach(async () => {
      for (const p of probes) await p.broker.close();
      await fabric.close();
    });

    it('delivers a publication to every subscribed node, the publisher included', async () => {
      const [a, b, c] = [await node(), await node(), await node()];
      await a.broker.subscribe('room');
      await b.broker.subscribe('room');
      await c.broker.subscribe('other');
      await a.broker.publish('room', bytes('hello'));
      await a.until((r) => r.text === 'hello');
      await b.until((r) => r.text === 'hello');
      // c is subscribed elsewhere: a later publication on its channel arrives, the first never did.
      await a.broker.publish('other', bytes('marker'));
      await c.until((r) => r.text === 'marker');
      assert.deepEqual(c.texts(), ['marker']);
      assert.deepEqual(a.texts('room'), ['hello']);
      assert.deepEqual(b.got, [{ channel: 'room', text: 'hello' }]);
    });

    it('keeps the order of one publisher', async () => {
      const [a, b] = [await node(), await node()];
      await b.broker.subscribe('seq');
      const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((s) => a.broker.publish('seq', bytes(s))));
      await b.until((r) => r.text === 'm199');
      assert.deepEqual(b.texts('seq'), sent);
    });

    it('moves any bytes unchanged, and the publisher may reuse its buffer afterwards', async () => {
      const [a, b] = [await node(), await node()];
      await b.broker.subscribe('bin');
      const all = new Uint8Array(256).map((_, i) => i);
      const buf = Uint8Array.from(all);
      await a.broker.publish('bin', buf);
      buf.fill(7);
      await a.broker.publish('bin', new Uint8Array(0));
      await b.until((r) => r.text === '');
      assert.equal(b.got.length, 2);
      assert.deepEqual([...bytes(b.got[0].text)], [...all]);
    });

    it('delivers once even when subscribed twice', async () => {
      const [a, b] = [await node(), await node()];
      await b.broker.subscribe('dup');
      await b.broker.subscribe('dup');
      await a.broker.publish('dup', bytes('one'));
      await a.broker.publish('dup', bytes('two'));
      await b.until((r) => r.text === 'two');
      assert.deepEqual(b.texts('dup'), ['one', 'two']);
    });

    it('stops delivering after unsubscribe, other channels unaffected', async () => {
      const [a, b] = [await node(), await node()];
      await b.broker.subscribe('x');
      await b.broker.subscribe('y');
      await a.broker.publish('x', bytes('before'));
      await b.until((r) => r.text === 'before');
      await b.broker.unsubscribe('x');
      await a.broker.publish('x', bytes('after'));
      await a.broker.publish('y', bytes('marker'));
      await b.until((r) => r.text === 'marker');
      assert.deepEqual(b.texts('x'), ['before']);
    });

    it('a closed node receives nothing more, and its publish fails', async () => {
      const [a, b, c] = [await node(), await node(), await node()];
      await b.broker.subscribe('z');
      await c.broker.subscribe('z');
      await b.broker.close();
      await a.broker.publish('z', bytes('after close'));
      await c.until((r) => r.text === 'after close');
      assert.deepEqual(b.got, []);
      await assert.rejects(b.broker.publish('z', bytes('from a closed broker')));
    });

    it('channels with similar names are distinct', async () => {
      const [a, b] = [await node(), await node()];
      await b.broker.subscribe('confab.cluster');
      await b.broker.subscribe('confab.cluster.2');
      await a.broker.publish('confab.cluster.2', bytes('second'));
      await a.broker.publish('confab.cluster', bytes('first'));
      await b.until((r) => r.text === 'first');
      assert.deepEqual(b.got, [{ channel: 'confab.cluster.2', text: 'second' }, { channel: 'confab.cluster', text: 'first' }]);
    });
  });
}
