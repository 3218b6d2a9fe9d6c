// --pipeline: acknowledgements per second of ONE pipelining sender on each request/response seed
// gateway (CP's SMSG -> 240, ChatOS's chat packet -> ACK), against the confab server with its
// durable store. The sender keeps --depth messages unanswered (closed loop): each answer that
// arrives is replaced by a new message in the same write. Answers come in request order, so a FIFO
// of send times gives each one's latency. What limits the figure is how many of one connection's
// messages share a commit: one each if every message waits for its own commit before the next is
// read, the whole pipeline if they overlap (docs/cp.md §7.4, docs/chatos.md §5.7).
import { encodeChat, encodeLogin, PacketDecoder } from '../src/gateways/chatos/codec.js';
import { encodePass, encodeSmsg, encodeUser, ReplyDecoder } from '../src/gateways/cp/codec.js';
import { Reply } from '../src/gateways/cp/replies.js';
import { openPipe, type BytePipe } from './clients/byte-pipe.js';
import { within } from './clients/types.js';
import { Histogram } from './histogram.js';
import type { BenchOptions, BenchStore } from './options.js';
import { cpuMicros, machineBusyMicros, memoryBytes } from './proc.js';
import { latencySummary, round, table, type LatencySummary } from './report.js';
import { startServerProcess } from './server-process.js';
import { SERVER_CPU } from './throughput.js';

export type PipelinePeer = 'cp' | 'chatos';
export const PIPELINE_PEERS: readonly PipelinePeer[] = ['cp', 'chatos'];

const SETUP_TIMEOUT_MS = 20_000;
/** CP accounts the server makes: the sender and the receiver (CP logs in to accounts only). */
const ACCOUNT_PREFIX = 'pipe';

export interface PipelineResult {
  peer: PipelinePeer;
  store: BenchStore;
  /** Messages the sender keeps unanswered. */
  depth: number;
  windowMs: number;
  /** Answers that arrived inside the window: acknowledgements, and errors by code. */
  acks: number;
  errors: Record<string, number>;
  acksPerSec: number;
  /** From writing a message to reading its acknowledgement, for those answered inside the window. */
  ackMs: LatencySummary;
  serverCpuPercent: number;
  serverCpuMicrosPerAck: number;
  serverRssMiB: number;
  /** CPU of everything else on the machine (the sender included), % of one core. */
  otherCpuPercent: number;
  /** Answers still missing when the drain after the window ended (0 when all came). */
  unanswered: number;
}

/** What a protocol's sender needs: a login, one message's bytes, and what the answers say. */
interface Speaker {
  message(seq: number, text: string): Uint8Array;
  /** The answers in these bytes, in order: true for an acknowledgement, else the error code. */
  answers(bytes: Uint8Array): (true | number)[];
}

export async function measurePipeline(peer: PipelinePeer, o: BenchOptions): Promise<PipelineResult> {
  const server = await startServerProcess(peer, {
    store: o.store,
    ...(peer === 'cp' ? { accounts: { prefix: ACCOUNT_PREFIX, count: 2 } } : {}),
    ...(o.pin ? { cpus: SERVER_CPU } : {}),
  });
  const pid = server.info.pid;
  try {
    const at = server.info.gateway;
    if (!at) throw new Error(`the confab server announced no ${peer} listener`);
    const pipe = await openPipe('tcp', at);
    const speaker = peer === 'cp' ? await cpSpeaker(pipe, server.info.password) : await chatosSpeaker(pipe);
    return await drive(peer, pipe, speaker, o, {
      window: () => ({ cpu: cpuMicros(pid), busy: machineBusyMicros() }),
      rss: () => memoryBytes(pid).rss,
    });
  } finally {
    await server.stop();
  }
}

interface Sample { cpu: number; busy: number }

async function drive(peer: PipelinePeer, pipe: BytePipe, speaker: Speaker, o: BenchOptions, probe: { window(): Sample; rss(): number }): Promise<PipelineResult> {
  const depth = o.depth;
  const padding = o.size > 0 ? 'x'.repeat(o.size) : '';
  const sentAt: number[] = [];
  let head = 0;
  let seq = 0;
  let sending = true;
  let measuring = false;
  let acks = 0;
  const errors: Record<string, number> = {};
  const latency = new Histogram();
  let allAnswered: (() => void) | undefined;

  const send = (n: number): void => {
    if (!sending || n <= 0) return;
    const parts: Uint8Array[] = [];
    const now = performance.now();
    for (let i = 0; i < n; i++) {
      seq++;
      parts.push(speaker.message(seq, `pipe ${seq}${padding}`));
      sentAt.push(now);
    }
    pipe.write(Buffer.concat(parts));
  };

  pipe.onData((bytes) => {
    const now = performance.now();
    const got = speaker.answers(bytes);
    for (const answer of got) {
      const started = sentAt[head++];
      if (measuring) {
        if (answer === true) {
          acks++;
          latency.record((now - started) * 1000);
        } else {
          errors[answer] = (errors[answer] ?? 0) + 1;
        }
      }
    }
    if (head > 4096 && head * 2 > sentAt.length) {
      sentAt.splice(0, head);
      head = 0;
    }
    send(got.length);
    if (!sending && head === sentAt.length) allAnswered?.();
  });
  let lost = false;
  pipe.onEnd(() => {
    lost = true;
    allAnswered?.();
  });

  send(depth);
  await sleep(o.warmupSeconds * 1000);
  const start = probe.window();
  const startedAt = performance.now();
  measuring = true;
  await sleep(o.seconds * 1000);
  measuring = false;
  const end = probe.window();
  const windowMs = performance.now() - startedAt;
  const rss = probe.rss();
  sending = false;
  if (head < sentAt.length && !lost) {
    await new Promise<void>((resolve) => {
      allAnswered = resolve;
      setTimeout(resolve, o.drainSeconds * 1000);
    });
  }
  const unanswered = sentAt.length - head;
  pipe.destroy();
  if (lost) errors.lost = (errors.lost ?? 0) + 1;
  const seconds = windowMs / 1000;
  const serverCpu = end.cpu - start.cpu;
  return {
    peer,
    store: o.store,
    depth,
    windowMs: Math.round(windowMs),
    acks,
    errors,
    acksPerSec: Math.round(acks / seconds),
    ackMs: latencySummary(latency),
    serverCpuPercent: round((serverCpu / 1e6 / seconds) * 100, 1),
    serverCpuMicrosPerAck: acks > 0 ? round(serverCpu / acks, 2) : 0,
    serverRssMiB: round(rss / (1024 * 1024), 1),
    otherCpuPercent: round(Math.max(0, (end.busy - start.busy - serverCpu) / 1e6 / seconds) * 100, 1),
    unanswered,
  };
}

/** Logs in as the first bench account; every SMSG goes to the second one's mailbox. */
async function cpSpeaker(pipe: BytePipe, password: string | undefined): Promise<Speaker> {
  if (password === undefined) throw new Error('the confab server made no CP accounts');
  const decoder = new ReplyDecoder();
  const replies: number[] = [];
  let wake: (() => void) | undefined;
  let speaking = false;
  const speaker: Speaker = {
    message: (_seq, text) => encodeSmsg(`${ACCOUNT_PREFIX}1`, text),
    answers: (bytes) => decoder.push(bytes).map((r) => (r.code === Reply.MESSAGE_SENT ? true : r.code)),
  };
  pipe.onData((bytes) => {
    if (speaking) return;
    replies.push(...decoder.push(bytes).map((r) => r.code));
    wake?.();
  });
  const next = (): Promise<number> => new Promise((resolve) => {
    const take = (): void => {
      const code = replies.shift();
      if (code === undefined) return;
      wake = undefined;
      resolve(code);
    };
    wake = take;
    take();
  });
  const ask = (bytes: Uint8Array): Promise<number> => {
    pipe.write(bytes);
    return within(next(), SETUP_TIMEOUT_MS, 'CP login');
  };
  const user = await ask(encodeUser(`${ACCOUNT_PREFIX}0`));
  const pass = user === Reply.USER_RECEIVED ? await ask(encodePass(password)) : user;
  if (pass !== Reply.AUTHENTICATED) throw new Error(`CP login answered ${pass}`);
  speaking = true;
  return speaker;
}

/** Logs in as a guest (in the general chat, alone); every chat packet goes to the general chat. */
async function chatosSpeaker(pipe: BytePipe): Promise<Speaker> {
  const decoder = new PacketDecoder();
  let speaking = false;
  const speaker: Speaker = {
    message: (seq, text) => encodeChat(BigInt(seq), '', text),
    answers: (bytes) => {
      const out: (true | number)[] = [];
      for (const item of decoder.push(bytes)) {
        if (item.kind === 'error') out.push(item.code);
        else if (item.packet.op === 'ACK') out.push(true);
        else if (item.packet.op === 'ERROR') out.push(item.packet.code);
      }
      return out;
    },
  };
  const ok = await within(new Promise<boolean>((resolve) => {
    pipe.onData((bytes) => {
      if (speaking) return;
      for (const item of decoder.push(bytes)) resolve(item.kind === 'packet' && item.packet.op === 'ACK');
    });
    pipe.write(encodeLogin(`${ACCOUNT_PREFIX}0`));
  }), SETUP_TIMEOUT_MS, 'ChatOS LOGIN');
  if (!ok) throw new Error('ChatOS login refused');
  speaking = true;
  return speaker;
}

export function formatPipeline(results: readonly PipelineResult[]): string {
  const head = ['peer', 'depth', 'acks/s', 'ack p50 ms', 'p99', 'max', 'errors', 'cpu µs/ack', 'srv cpu%', 'rss MiB', 'other%'];
  const rows = results.map((r) => [
    r.peer, String(r.depth), String(r.acksPerSec), String(r.ackMs.p50), String(r.ackMs.p99), String(r.ackMs.max),
    Object.keys(r.errors).length ? JSON.stringify(r.errors) : '0', String(r.serverCpuMicrosPerAck), String(r.serverCpuPercent), String(r.serverRssMiB),
    String(r.otherCpuPercent),
  ]);
  return table([head, ...rows]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
