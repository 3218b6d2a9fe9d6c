// A load-generator shard in a worker thread, driven by messages from the orchestrator.
import { parentPort } from 'node:worker_threads';
import { Shard } from './shard.js';
import type { ShardPlan, Timing } from './plan.js';

export type ToWorker = { cmd: 'connect'; plan: ShardPlan } | { cmd: 'run'; timing: Timing } | { cmd: 'close' };
export type FromWorker =
  | { ok: 'connected' }
  | { ok: 'result'; result: Awaited<ReturnType<Shard['run']>> }
  | { ok: 'closed' }
  | { failed: string };

const port = parentPort;
if (!port) throw new Error('load/worker.js runs only as a worker thread');

let shard: Shard | undefined;
const reply = (m: FromWorker): void => port.postMessage(m);
const fail = (err: unknown): void => reply({ failed: err instanceof Error ? err.message : String(err) });

port.on('message', (m: ToWorker) => {
  switch (m.cmd) {
    case 'connect':
      shard = new Shard(m.plan);
      shard.connect().then(() => reply({ ok: 'connected' }), fail);
      break;
    case 'run':
      if (!shard) return fail(new Error('run before connect'));
      shard.run(m.timing).then((result) => reply({ ok: 'result', result }), fail);
      break;
    case 'close':
      void (shard?.close() ?? Promise.resolve()).catch(() => undefined).then(() => {
        reply({ ok: 'closed' });
        port.close();
      });
      break;
  }
});
