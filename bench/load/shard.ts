// One shard of the load generator: opens its clients, runs the open-loop senders among them and
// accounts for everything its receivers get. Runs in the main thread or in a worker thread.
import { closeBenchQuic } from '../clients/byte-pipe.js';
import { FANOUT, OPENERS, partnerOf } from '../clients/open.js';
import type { BenchClient, Inbox, ServerInfo } from '../clients/types.js';
import { Histogram } from '../histogram.js';
import { DeliveryLedger } from '../ledger.js';
import { formatPayload, nowMs, parsePayload } from '../payload.js';
import { OpenLoopSchedule, phaseOf, senderClient } from '../schedule.js';
import type { ShardPlan, ShardResult, Timing } from './plan.js';

/** How often the send loop looks at the clock; the schedule, not this, sets the rate. */
const SEND_TICK_MS = 1;
const DRAIN_POLL_MS = 20;

interface Sender {
  index: number; // global sender index j
  client: BenchClient;
  schedule: OpenLoopSchedule;
  next: number; // next sequence number to send
  end: number; // sequence numbers >= end are after the window: never sent
  first: number; // first sequence number inside the window
}

/** The server client `global` connects to: round robin over a cluster's nodes. */
export function serverOf(plan: Pick<ShardPlan, 'server' | 'servers'>, global: number): ServerInfo {
  return plan.servers?.length ? plan.servers[global % plan.servers.length] : plan.server;
}

export class Shard {
  private clients: BenchClient[] = [];
  private readonly latency = new Histogram();
  private readonly ack = new Histogram();
  private ledger: DeliveryLedger | undefined;
  private timing: Timing | undefined;
  private schedules: OpenLoopSchedule[] = [];
  private windows: { first: number; end: number }[] = [];
  private receivedInWindow = 0;
  private stray = 0;
  private readonly errors: Record<number, number> = {};
  private lostConnections = 0;
  private closing = false;

  constructor(private readonly plan: ShardPlan) {}

  /** Opens every client of the shard (joined to the room), a bounded number at a time. */
  async connect(): Promise<void> {
    const { plan } = this;
    const open = OPENERS[plan.peer];
    const clients: BenchClient[] = new Array<BenchClient>(plan.count);
    let nextLocal = 0;
    const worker = async (): Promise<void> => {
      while (nextLocal < plan.count) {
        const local = nextLocal++;
        const global = plan.first + local;
        const name = `${plan.namePrefix}${global}`;
        const partner = `${plan.namePrefix}${partnerOf(global, plan.clients)}`;
        clients[local] = await open({ server: serverOf(plan, global), transport: plan.transport, name, room: plan.room, partner }, this.inbox(local));
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(plan.connectConcurrency, plan.count) }, worker));
    } finally {
      this.clients = clients.filter((c) => c !== undefined);
    }
  }

  /** Sends and receives over the timing's window, drains, and returns what happened. */
  async run(timing: Timing): Promise<ShardResult> {
    const { plan } = this;
    this.timing = timing;
    const window = { start: timing.windowStart, end: timing.windowEnd };
    const schedules = Array.from({ length: plan.senders }, (_, j) => new OpenLoopSchedule(timing.t0, plan.rate, phaseOf(j, plan.senders)));
    this.schedules = schedules;
    this.windows = schedules.map((s) => s.inWindow(window));
    this.ledger = new DeliveryLedger(plan.count, plan.senders, this.windows.map((w) => w.first));

    const senders: Sender[] = [];
    for (let j = 0; j < plan.senders; j++) {
      const local = senderClient(j, plan.senders, plan.clients) - plan.first;
      if (local < 0 || local >= plan.count) continue;
      senders.push({ index: j, client: this.clients[local], schedule: schedules[j], next: 0, end: this.windows[j].end, first: this.windows[j].first });
    }
    const sentTotal = await this.sendLoop(senders);
    const drainedAt = await this.drain(this.expectedHere());
    const sentInWindow: Record<number, number> = {};
    for (const s of senders) sentInWindow[s.index] = Math.max(0, s.next - s.first);
    const ledger = this.ledger;
    return {
      latency: this.latency.snapshot(),
      ack: this.ack.snapshot(),
      sentInWindow,
      sentTotal,
      receivedInWindow: this.receivedInWindow,
      distinct: ledger.distinct,
      duplicates: ledger.duplicates,
      late: ledger.late,
      stray: this.stray,
      errors: this.errors,
      lostConnections: this.lostConnections,
      drainedAt,
    };
  }

  /** Ends every client, and the thread's shared QUIC socket if its clients used one. */
  async close(): Promise<void> {
    this.closing = true;
    for (const c of this.clients) c.close();
    this.clients = [];
    await closeBenchQuic();
  }

  private sendLoop(senders: Sender[]): Promise<number> {
    const { size } = this.plan;
    let total = 0;
    return new Promise<number>((resolve) => {
      const tick = (): void => {
        const now = nowMs();
        let pending = false;
        for (const s of senders) {
          const due = Math.min(s.schedule.dueBy(now), s.end);
          while (s.next < due) {
            const seq = s.next++;
            const text = formatPayload({ sender: s.index, seq, intended: s.schedule.intended(seq) }, size);
            s.client.send(text, `${s.index}.${seq}`);
            total++;
          }
          if (s.next < s.end) pending = true;
        }
        if (pending) setTimeout(tick, SEND_TICK_MS);
        else resolve(total);
      };
      const first = senders.length ? Math.min(...senders.map((s) => s.schedule.intended(0))) : this.timing!.windowEnd;
      setTimeout(tick, Math.max(0, first - nowMs()));
    });
  }

  /** Deliveries this shard's receivers should see: in-window messages times local receivers. */
  private expectedHere(): number {
    const { plan } = this;
    const fanout = FANOUT[plan.peer];
    const here = (client: number): boolean => client >= plan.first && client < plan.first + plan.count;
    let expected = 0;
    for (let j = 0; j < plan.senders; j++) {
      const sender = senderClient(j, plan.senders, plan.clients);
      const inWindow = this.windows[j].end - this.windows[j].first;
      if (fanout === 'partner') expected += here(partnerOf(sender, plan.clients)) ? inWindow : 0;
      else expected += inWindow * (plan.count - (fanout === 'room' && here(sender) ? 1 : 0));
    }
    return expected;
  }

  /** Waits until every expected delivery came, or the drain deadline passed. */
  private drain(expected: number): Promise<number> {
    const deadline = this.timing!.drainUntil;
    return new Promise<number>((resolve) => {
      const check = (): void => {
        const now = nowMs();
        if (this.ledger!.distinct >= expected || now >= deadline) resolve(now);
        else setTimeout(check, Math.min(DRAIN_POLL_MS, deadline - now));
      };
      const startIn = Math.max(0, this.timing!.windowEnd - nowMs());
      setTimeout(check, startIn);
    });
  }

  private inbox(local: number): Inbox {
    return {
      message: (text) => this.received(local, text),
      ack: (cid) => this.acked(cid),
      error: (code) => {
        this.errors[code] = (this.errors[code] ?? 0) + 1;
      },
      lost: () => {
        if (!this.closing) this.lostConnections++;
      },
    };
  }

  private received(local: number, text: string): void {
    const at = nowMs();
    const timing = this.timing;
    const stamp = parsePayload(text);
    if (!stamp || !timing || stamp.sender >= this.windows.length) {
      this.stray++;
      return;
    }
    if (at >= timing.windowStart && at < timing.windowEnd) this.receivedInWindow++;
    const w = this.windows[stamp.sender];
    if (stamp.seq < w.first || stamp.seq >= w.end) return; // warm-up traffic
    if (this.ledger!.record(local, stamp.sender, stamp.seq) !== 'duplicate') this.latency.record((at - stamp.intended) * 1000);
  }

  private acked(cid: string): void {
    const dot = cid.indexOf('.');
    const j = Number(cid.slice(0, dot));
    const seq = Number(cid.slice(dot + 1));
    const w = this.windows[j];
    if (!this.timing || !w || seq < w.first || seq >= w.end) return;
    this.ack.record((nowMs() - this.schedules[j].intended(seq)) * 1000);
  }
}
