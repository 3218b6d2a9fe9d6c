import type { RoomSettings } from '../../core/types.js';
import type { FrameOf } from '../../protocol/frames.js';
import { requireSession } from './context.js';
import type { Table } from './handlers.js';

// The frames of room roles and settings, bans and the audit log (docs/protocol.md §7.17, §7.18).

/** SETTINGS as the server sends it: the key only to operators (`settings` already has it blanked for others). */
export function settingsFrame(ref: number, room: string, s: RoomSettings, by: string): FrameOf<'SETTINGS'> {
  return { type: 'SETTINGS', ref, room, ...s, keyed: s.key !== '', by };
}

export const roomAdminHandlers: Table = {
  // ROLE {ref, room, user, role} -> OK (the room gets ROLE with ref 0)
  ROLE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.setRole(requireSession(c), f.room, f.user, f.role);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // SETTINGS {ref, room, ...} -> OK (the room gets SETTINGS with ref 0). keyed false: no key;
  // keyed true with key "": keep the key; keyed true with a key: that key.
  SETTINGS: {
    needs: 'session',
    async run(c, f) {
      const key = !f.keyed ? '' : f.key === '' ? undefined : f.key;
      const { inviteOnly, limit, moderated, secret, topicLocked, membersOnly } = f;
      await c.gw.node.setRoomSettings(requireSession(c), f.room, { inviteOnly, limit, moderated, secret, topicLocked, membersOnly, key });
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // GET_SETTINGS {ref, room} -> SETTINGS {ref, ...}: with the key for operators
  GET_SETTINGS: {
    needs: 'session',
    async run(c, f) {
      const { keyed, ...s } = await c.gw.node.roomSettings(requireSession(c), f.room);
      c.send({ ...settingsFrame(f.ref, f.room, s, ''), keyed });
    },
  },
  // INVITE {ref, room, user} -> OK (the user gets INVITE with ref 0)
  INVITE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.invite(requireSession(c), f.room, f.user);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // MUTE {ref, room, user, seconds, reason} -> OK (the room and the user get MUTE with ref 0)
  MUTE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.mute(requireSession(c), f.room, f.user, f.seconds, f.reason);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // BANS {ref, room} -> BAN_LIST (operators)
  BANS: {
    needs: 'session',
    async run(c, f) {
      const bans = await c.gw.node.bans(requireSession(c), f.room);
      c.send({ type: 'BAN_LIST', ref: f.ref, room: f.room, bans: bans.map((b) => ({ target: b.target, by: b.by, reason: b.reason, at: b.at })) });
    },
  },
  // CLOSE {ref, room, closed, reason} -> OK (server admins; the members get KICK)
  CLOSE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.closeRoom(requireSession(c), f.room, f.closed, f.reason);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // AUDIT {ref, room, before, limit} -> AUDIT_LOG (server admins)
  AUDIT: {
    needs: 'session',
    async run(c, f) {
      c.send({ type: 'AUDIT_LOG', ref: f.ref, records: await c.gw.node.auditLog(requireSession(c), f.room, f.before, f.limit) });
    },
  },
};
