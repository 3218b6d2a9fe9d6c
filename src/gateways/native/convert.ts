import type { ChatEvent } from '../../core/events.js';
import type { MemberView } from '../../core/rooms.js';
import type { ChatMessage } from '../../core/types.js';
import type { Frame, WireMember, WireMessage } from '../../protocol/frames.js';

export function wireMessage(m: ChatMessage): WireMessage {
  return { id: m.id, at: m.at, from: m.from, to: m.to, text: m.text, cid: m.clientId };
}

export function wireMembers(members: MemberView[]): WireMember[] {
  return members.map((m) => ({ name: m.name, online: m.online, operator: m.operator }));
}

/** The frame a core event becomes, or undefined for events native v1 does not carry. */
export function eventFrame(event: ChatEvent): Frame | undefined {
  switch (event.kind) {
    case 'message': return { type: 'MSG', msg: wireMessage(event.message) };
    case 'presence': return { type: 'PRESENCE', room: event.room, user: event.user, event: event.event };
    case 'topic': return { type: 'TOPIC', ref: 0, room: event.room, topic: event.topic, by: event.by };
    case 'consent-ask': return { type: 'CONSENT_ASK', ref: 0, user: event.from };
    case 'consent': return { type: 'CONSENT', ref: 0, user: event.from, accept: event.accept };
    case 'room-created': return undefined;
  }
}
