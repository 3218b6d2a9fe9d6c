import { ClientError } from './errors.js';
import type { Ack } from './types.js';

export interface OutgoingMessage {
  cid: string;
  to: string[];
  text: string;
  /** Ids of stored files the message carries. */
  files?: string[];
  /** The id of the message this one answers (docs/protocol.md §7.14). */
  replyTo?: number;
}

interface Entry extends OutgoingMessage {
  /** The SEND's ref on the current connection; 0 while it is not on the wire. */
  ref: number;
  resolve(ack: Ack): void;
  reject(err: ClientError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Messages sent and not yet acknowledged, in send order. They outlive a lost connection: after a
 * resume they go out again with the same cid, so the server stores each only once.
 */
export class Outbox {
  private readonly byCid = new Map<string, Entry>();
  private readonly byRef = new Map<number, Entry>();

  get size(): number {
    return this.byCid.size;
  }

  has(cid: string): boolean {
    return this.byCid.has(cid);
  }

  add(message: OutgoingMessage, timeoutMs: number): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.remove(message.cid);
        reject(ClientError.local('TIMEOUT', `message ${message.cid}: not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.byCid.set(message.cid, { ...message, ref: 0, resolve, reject, timer });
    });
  }

  /** Messages not on the current connection, in send order. */
  unsent(): OutgoingMessage[] {
    return [...this.byCid.values()].filter((e) => e.ref === 0);
  }

  /** Records that `cid` went out as the request `ref`. */
  sent(cid: string, ref: number): void {
    const e = this.byCid.get(cid);
    if (!e) return;
    e.ref = ref;
    this.byRef.set(ref, e);
  }

  /** The ACK for `ref` (or, failing that, for `cid`) settles that message. False if none waits. */
  ack(ref: number, ack: Ack): boolean {
    const e = this.byRef.get(ref) ?? this.byCid.get(ack.cid);
    if (!e) return false;
    this.remove(e.cid);
    e.resolve(ack);
    return true;
  }

  /** An ERROR for the SEND `ref`. False if no message has that ref. */
  failRef(ref: number, err: ClientError): boolean {
    const e = this.byRef.get(ref);
    if (!e) return false;
    this.remove(e.cid);
    e.reject(err);
    return true;
  }

  /** The message could not go out (e.g. too large for the server). */
  fail(cid: string, err: ClientError): void {
    const e = this.byCid.get(cid);
    if (!e) return;
    this.remove(cid);
    e.reject(err);
  }

  /** The connection is gone: every message waits to be sent again. */
  detach(): void {
    for (const e of this.byRef.values()) e.ref = 0;
    this.byRef.clear();
  }

  failAll(err: ClientError): void {
    const all = [...this.byCid.values()];
    this.byCid.clear();
    this.byRef.clear();
    for (const e of all) {
      clearTimeout(e.timer);
      e.reject(err);
    }
  }

  private remove(cid: string): void {
    const e = this.byCid.get(cid);
    if (!e) return;
    this.byCid.delete(cid);
    if (e.ref !== 0) this.byRef.delete(e.ref);
    clearTimeout(e.timer);
  }
}
