import type Database from 'better-sqlite3';
import { nameKey } from '../vocabulary/name-keys.js';
import { decodeList, encodeList } from './rows.js';

// Schema version 6: name keys changed from "NFC, lower case" to the rule of docs/protocol.md
// §7.8 (NFKC, case folding, confusables skeleton). Every stored key is recomputed, in every
// table that holds one. Runs inside the migration's transaction.
//
// Two accounts (or rooms) whose names now have one key: the one made first takes the new key;
// a later one keeps its old key, which the new rule never produces, so it stays intact and is
// listed (`confab user list`) but its name now leads to the first. docs/protocol.md §7.8.

type Rekey = (old: string) => string;

/** The new key of a guest's key ('~' + user key) or of a key whose name is gone (a deleted account). */
function fromKey(old: string): string {
  return old.startsWith('~') ? `~${nameKey(old.slice(1))}` : nameKey(old);
}

/** Old key -> new key for the rows of an accounts or rooms table, oldest first, keeping keys unique. */
function planKeys(db: Database.Database, table: 'accounts' | 'rooms'): Map<string, string> {
  const rows = db.prepare<[], { key: string; name: string }>(`SELECT key, name FROM ${table} ORDER BY created_at, key`).all();
  const plan = new Map<string, string>();
  const taken = new Set<string>();
  for (const { key, name } of rows) {
    let next = nameKey(name);
    if (taken.has(next)) next = key;
    // An old key that a new key already took (possible only for hand-made rows): make it unique.
    for (let n = 2; taken.has(next); n++) next = `${key}~${n}`;
    taken.add(next);
    plan.set(key, next);
  }
  return plan;
}

export function rekeyNames(db: Database.Database): void {
  // Keys are parents of foreign keys: check them at commit, once every table is consistent again.
  db.pragma('defer_foreign_keys = ON');
  const users = planKeys(db, 'accounts');
  const rooms = planKeys(db, 'rooms');
  const user: Rekey = (k) => users.get(k) ?? fromKey(k);
  const room: Rekey = (k) => rooms.get(k) ?? fromKey(k);
  const target: Rekey = (k) => (k.startsWith('#') ? room(k) : user(k));

  // Children before parents: deleting an old account or room row cascades to memberships
  // still under its old key, so those have moved already.
  rewrite(db, 'memberships', ['room', 'user'], [room, user]);
  rewrite(db, 'accounts', ['key'], [user]);
  rewrite(db, 'rooms', ['key'], [room]);
  rewrite(db, 'mailbox', ['user'], [user]);
  rewrite(db, 'consents', ['to_key', 'from_key'], [user, user]);
  rewrite(db, 'files', ['owner'], [user]);
  rewrite(db, 'message_targets', ['key', 'from_key'], [target, user]);

  const messages = db.prepare<[], { id: number; from_key: string; rooms: string; users: string }>('SELECT id, from_key, rooms, users FROM messages');
  const update = db.prepare<[string, string, string, number]>('UPDATE messages SET from_key = ?, rooms = ?, users = ? WHERE id = ?');
  const changed: [string, string, string, number][] = [];
  for (const m of messages.iterate()) {
    const from = user(m.from_key);
    const rs = encodeList(decodeList(m.rooms).map(room));
    const us = encodeList(decodeList(m.users).map(user));
    if (from !== m.from_key || rs !== m.rooms || us !== m.users) changed.push([from, rs, us, m.id]);
  }
  // Written after reading: an UPDATE while iterating the same table is not allowed.
  for (const c of changed) update.run(...c);
}

/**
 * Rewrites the key columns of every row of `table` whose keys change. Rows are deleted and put
 * back, rather than updated in place, so a key may move to one another row still holds; two
 * rows that become one (two guests' keys that are now the same) are kept once.
 */
function rewrite(db: Database.Database, table: string, columns: string[], maps: ((k: string) => string)[]): void {
  const moved: Record<string, unknown>[] = [];
  for (const r of db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${table}`).iterate()) {
    if (columns.some((c, i) => r[c] !== null && maps[i](r[c] as string) !== r[c])) moved.push(r);
  }
  if (moved.length === 0) return;
  const names = Object.keys(moved[0]);
  const where = columns.map((c) => `${c} IS ?`).join(' AND ');
  const del = db.prepare(`DELETE FROM ${table} WHERE ${where}`);
  const ins = db.prepare(`INSERT OR IGNORE INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
  for (const r of moved) del.run(...columns.map((c) => r[c]));
  for (const r of moved) {
    const next = { ...r };
    columns.forEach((c, i) => { if (r[c] !== null) next[c] = maps[i](r[c] as string); });
    ins.run(...names.map((n) => next[n]));
  }
}
