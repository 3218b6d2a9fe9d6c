import type { ChatEvent } from '../../core/events.js';
import type { MemberView } from '../../core/rooms.js';
import type { ChatMessage } from '../../core/types.js';
import type { FileRef } from '../../core/types.js';
import type { Frame, WireFile, WireMember, WireMessage } from '../../protocol/frames.js';

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
 * A message as a MSG frame; `safe`, for a live one, is the resume watermark (docs/protocol.md
 * §7.6.1). It follows `files`, which it then needs (empty when the message has none).
 */
export function msgFrame(m: ChatMessage, safe?: number): Frame {
  if (safe === undefined) return { type: 'MSG', msg: wireMessage(m), ...filesOf([m]) };
  return { type: 'MSG', msg: wireMessage(m), files: filesOf([m]).files ?? [], safe };
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
    case 'kick': return { type: 'KICK', ref: 0, room: event.room, user: event.user, reason: event.reason, by: event.by };
    case 'role': return { type: 'ROLE', ref: 0, room: event.room, user: event.user, role: event.role, by: event.by };
    case 'settings': return { type: 'SETTINGS', ref: 0, room: event.room, ...event.settings, key: '', by: event.by };
    case 'invite': return { type: 'INVITE', ref: 0, room: event.room, user: event.user, by: event.by };
    case 'mute': return { type: 'MUTE', ref: 0, room: event.room, user: event.user, seconds: event.seconds, reason: event.reason, by: event.by };
    case 'typing': return { type: 'TYPING', to: event.room, user: event.user };
  }
}
