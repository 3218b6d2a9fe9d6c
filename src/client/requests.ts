import type { Frame, FrameOf, FrameTypeName } from '../protocol/frames.js';
import { ClientError } from './errors.js';

interface Waiter {
  expect: readonly FrameTypeName[];
  what: string;
  resolve(frame: Frame): void;
  reject(err: ClientError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests awaiting their answer, by key (the frame's ref, or a PING's n), each with a timeout. */
export class RequestTable {
  private readonly waiting = new Map<number, Waiter>();

  get size(): number {
    return this.waiting.size;
  }

  has(key: number): boolean {
    return this.waiting.has(key);
  }

  /** `what` names the request in error messages. */
  add<T extends FrameTypeName>(key: number, expect: readonly T[], timeoutMs: number, what: string): Promise<FrameOf<T>> {
    return new Promise<FrameOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(ClientError.local('TIMEOUT', `${what}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, { expect, what, resolve: resolve as (f: Frame) => void, reject, timer });
    });
  }

  /** Answers the request `key` with `frame`; false if no such request is waiting. */
  settle(key: number, frame: Frame): boolean {
    const w = this.take(key);
    if (!w) return false;
    if (w.expect.includes(frame.type)) w.resolve(frame);
    else w.reject(ClientError.protocol('PROTOCOL_ERROR', `${w.what}: the server answered with ${frame.type}`));
    return true;
  }

  fail(key: number, err: ClientError): boolean {
    const w = this.take(key);
    if (!w) return false;
    w.reject(err);
    return true;
  }

  failAll(err: ClientError): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private take(key: number): Waiter | undefined {
    const w = this.waiting.get(key);
    if (!w) return undefined;
    this.waiting.delete(key);
    clearTimeout(w.timer);
    return w;
  }
}
