/**
 * The last `capacity` message ids seen, to drop a message delivered twice (live and again in
 * the replay after a resume). Ids are not assumed to arrive in order.
 */
export class RecentIds {
  private readonly set = new Set<number>();
  private readonly ring: number[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<number>(capacity);
  }

  has(id: number): boolean {
    return this.set.has(id);
  }

  /** Returns false if the id was already in the window. */
  add(id: number): boolean {
    if (this.set.has(id)) return false;
    if (this.set.size >= this.capacity) this.set.delete(this.ring[this.next]);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
    return true;
  }

  clear(): void {
    this.set.clear();
    this.next = 0;
  }
}
