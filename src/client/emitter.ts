// A small typed event emitter that runs in browsers as well as in Node (no node:events).

type Listener<T> = (payload: T) => void;

/** Surfaces a listener's exception as unhandled, outside the code that emitted the event. */
function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** `onListenerError` receives what a listener throws (default: rethrown unhandled). */
  constructor(private readonly onListenerError: (err: unknown) => void = rethrowLater) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** The next event of this kind (that passes `filter`), as a promise. */
  once<K extends keyof Events>(event: K, filter: (payload: Events[K]) => boolean = () => true): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!filter(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    // A copy: listeners may remove themselves (or others) while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        // A throwing listener must not cut short the frame being handled, nor other listeners.
        this.onListenerError(err);
      }
    }
  }
}
