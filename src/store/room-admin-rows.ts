import type { AuditAction, AuditRecord, RoomMute, RoomSettings } from '../core/types.js';

// Rows of the room-administration tables (sqlite migration 14, PostgreSQL migration 10) and their
// domain values; both engines share them (booleans are 0/1 in sqlite, true/false in PostgreSQL).

export interface RoomSettingsRow {
  invite_only: number | boolean; join_key: string; member_limit: number; moderated: number | boolean;
  secret: number | boolean; topic_locked: number | boolean; members_only: number | boolean; closed: number | boolean;
}
export interface MuteRow { room: string; target: string; until: number | string; by_name: string; reason: string }
export interface AuditRow { id: number | string; at: number | string; actor: string; action: string; room: string; target: string; detail: string }

const yes = (v: number | boolean): boolean => v === true || v === 1;

export function toRoomSettings(r: RoomSettingsRow): RoomSettings {
  return {
    inviteOnly: yes(r.invite_only), key: r.join_key, limit: r.member_limit, moderated: yes(r.moderated), secret: yes(r.secret),
    topicLocked: yes(r.topic_locked), membersOnly: yes(r.members_only), closed: yes(r.closed),
  };
}

/** The settings as the columns of room_settings, in table order after `room`. */
export function settingsColumns(s: RoomSettings, bool: (b: boolean) => number | boolean): (string | number | boolean)[] {
  return [bool(s.inviteOnly), s.key, s.limit, bool(s.moderated), bool(s.secret), bool(s.topicLocked), bool(s.membersOnly), bool(s.closed)];
}

export function toMute(r: MuteRow): RoomMute {
  return { room: r.room, target: r.target, until: Number(r.until), by: r.by_name, reason: r.reason };
}

export function toAudit(r: AuditRow): AuditRecord {
  return { id: Number(r.id), at: Number(r.at), actor: r.actor, action: r.action as AuditAction, room: r.room, target: r.target, detail: r.detail };
}
