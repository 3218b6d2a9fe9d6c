// The nicknames IRC clients of this gateway had when they left, for WHOWAS (docs/irc.md §6.16).
import { nameKey } from '../../vocabulary/name-keys.js';

/** One client that left: its nick, the username and realname it gave, and when. */
export interface WhowasEntry {
  readonly name: string;
  readonly username: string;
  readonly realname: string;
  readonly at: number;
}

/** Names remembered at most; the name that left longest ago is forgotten first. */
const NAMES_MAX = 1000;
/** Entries per name at most, the newest kept. */
const ENTRIES_MAX = 10;

/** A bounded history of departures by name key, newest first, kept in memory by one gateway. */
export class WhowasLog {
  private readonly byName = new Map<string, WhowasEntry[]>();

  record(entry: WhowasEntry): void {
    const key = nameKey(entry.name);
    const list = this.byName.get(key) ?? [];
    // Re-inserted so the Map's order is the order of last departure.
    this.byName.delete(key);
    this.byName.set(key, [entry, ...list].slice(0, ENTRIES_MAX));
    if (this.byName.size > NAMES_MAX) this.byName.delete(this.byName.keys().next().value as string);
  }

  /** The entries of a name, newest first; `count` > 0 keeps that many, else all (RFC 2812 §3.6.3). */
  lookup(name: string, count: number): readonly WhowasEntry[] {
    const list = this.byName.get(nameKey(name)) ?? [];
    return count > 0 ? list.slice(0, count) : list;
  }
}
