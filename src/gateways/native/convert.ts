import type { ChatEvent } from '../../core/events.js';
import type { MemberView } from '../../core/rooms.js';
import type { ChatMessage } from '../../core/types.js';
import type { FileRef } from '../../core/types.js';
import type { Frame, WireFile, WireMember, WireMessage, WireState } from '../../protocol/frames.js';

export function wireMessage(m: ChatMessage): WireMessage {
  return { id: m.id, at: m.at, from: m.from, to: m.to, text: m.text, cid: m.clientId };
}

export function wireFile(f: FileRef, message: number): WireFile {
  return { message, id: f.id, name: f.name, size: f.size, type: f.type, sha256: f.sha256 };
}

/**
 * The trailing `files` field of MSG, JOINED and MESSAGES (docs/protocol.md §7.10): absent when no
 * message carries a file, so those frames stay byte for byte what they were before files.
 */
export function filesOf(messages: readonly ChatMessage[]): { files?: WireFile[] } {
  let files: WireFile[] | undefined;
  for (const m of messages) {
    if (!m.files) continue;
    files ??= [];
    for (const f of m.files) files.push(wireFile(f, m.id));
  }
  return files ? { files } : {};
}

/**
 * The trailing `states` field of MSG, JOINED and MESSAGES (docs/protocol.md §7.14): the messages
 * that are replies, edited, deleted or reacted to; absent when none is, with `files` then present
 * (empty) before it when it is not.
 */
export function statesOf(messages: readonly ChatMessage[]): { files?: WireFile[]; states?: WireState[] } {
  let states: WireState[] | undefined;
  for (const m of messages) {
    if (m.replyTo === undefined && m.editedAt === undefined && !m.deleted && !m.reactions) continue;
    (states ??= []).push({
      message: m.id,
      replyTo: m.replyTo ?? 0,
      edited: m.editedAt ?? 0,
      deleted: m.deleted?.at ?? 0,
      deletedBy: m.deleted?.by ?? '',
      reactions: (m.reactions ?? []).map((r) => ({ emoji: r.emoji, count: r.count, users: r.users })),
    });
  }
  const files = filesOf(messages).files;
  if (!states) return files ? { files } : {};
  return { files: files ?? [], states };
}

/**
 * A message as a MSG frame; `safe`, for a live one, is the resume watermark (docs/protocol.md
 * §7.6.1). It follows `files`, which it then needs (empty when the message has none); `states`
 * follows `safe`, which is then 0 on a replay (no watermark).
 */
export function msgFrame(m: ChatMessage, safe?: number): Frame {
  const extra = statesOf([m]);
  if (safe === undefined && !extra.states) return { type: 'MSG', msg: wireMessage(m), ...extra };
  return { type: 'MSG', msg: wireMessage(m), files: extra.files ?? [], safe: safe ?? 0, ...(extra.states ? { states: extra.states } : {}) };
}

export function wireMembers(members: MemberView[]): WireMember[] {
  return members.map((m) => ({ name: m.name, online: m.online, operator: m.operator }));
}

/** The frame a core event becomes, or undefined for events native v1 does not carry. */
export function eventFrame(event: ChatEvent): Frame | undefined {
  switch (event.kind) {
    case 'message': return msgFrame(event.message, event.safe);
    case 'presence': return { type: 'PRESENCE', room: event.room, user: event.user, event: event.event };
    case 'topic': return { type: 'TOPIC', ref: 0, room: event.room, topic: event.topic, by: event.by };
    case 'consent-ask': return { type: 'CONSENT_ASK', ref: 0, user: event.from };
    case 'consent': return { type: 'CONSENT', ref: 0, user: event.from, accept: event.accept };
    case 'room-created': return undefined;
    case 'nick': return { type: 'NICK', ref: 0, user: event.user, name: event.name, token: '' };
    case 'kick': return { type: 'KICK', ref: 0, room: event.room, user: event.user, reason: event.reason, by: event.by };
    case 'role': return { type: 'ROLE', ref: 0, room: event.room, user: event.user, role: event.role, by: event.by };
    case 'settings': return { type: 'SETTINGS', ref: 0, room: event.room, ...event.settings, key: '', by: event.by };
    case 'invite': return { type: 'INVITE', ref: 0, room: event.room, user: event.user, by: event.by };
    // The native protocol tells an invitation to the invited user only (§7.17).
    case 'invited': return undefined;
    case 'mute': return { type: 'MUTE', ref: 0, room: event.room, user: event.user, seconds: event.seconds, reason: event.reason, by: event.by };
    case 'typing': return { type: 'TYPING', to: event.room, user: event.user };
    // Client tags without a message are IRC's (TAGMSG): native v1 has no frame for them.
    case 'tags': return undefined;
    case 'read': return { type: 'READ', ref: 0, with: event.conversation, id: event.id };
    case 'edit': return { type: 'EDIT', ref: 0, id: event.id, text: event.text, by: event.by, at: event.at };
    case 'delete': return { type: 'DELETE', ref: 0, id: event.id, by: event.by, at: event.at };
    case 'react': return { type: 'REACT', ref: 0, id: event.id, emoji: event.emoji, on: event.on, user: event.user };
  }
}
