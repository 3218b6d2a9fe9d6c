// The body of every frame type as one table of (field, kind): the encoder and the decoder both
// walk it, so the byte layout is defined once. docs/protocol.md §4 documents these tables and
// test/unit/protocol/codec.test.ts checks the two agree.
import {
  FrameType,
  type FrameOf,
  type FrameTypeName,
  type PresenceEvent,
  type WireFile,
  type WireMember,
  type WireMessage,
  type WireReaction,
  type WireRoom,
  type WireUnread,
  type WireState,
  type WireAudit,
  type WireBan,
  type WireRole,
} from './frames.js';
import { bool, bytes, enumeration, list, str, struct, trailing, uint, type FieldKind, type Fields } from './fields.js';

/** Wire codes of PRESENCE.event: the index is the byte (§3.3.6). */
export const PRESENCE_EVENTS = ['join', 'leave', 'online', 'quit'] as const satisfies readonly PresenceEvent[];
/** Wire codes of SET_POLICY.policy: the index is the byte (§3.3.6). */
export const DM_POLICIES = ['open', 'consent'] as const;
/** Wire codes of ROLE.role: the index is the byte (§3.3.6). */
export const ROLES = ['member', 'voiced', 'operator'] as const satisfies readonly WireRole[];

const wireMessageFields = [
  ['id', uint],
  ['at', uint],
  ['from', str],
  ['to', list(str)],
  ['text', str],
  ['cid', str],
] as const satisfies Fields<WireMessage>;
const wireFileFields = [
  ['message', uint],
  ['id', str],
  ['name', str],
  ['size', uint],
  ['type', str],
  ['sha256', str],
] as const satisfies Fields<WireFile>;
const wireReactionFields = [
  ['emoji', str],
  ['count', uint],
  ['users', list(str)],
] as const satisfies Fields<WireReaction>;
export const wireReaction = struct<WireReaction>('WireReaction', wireReactionFields);
const wireStateFields = [
  ['message', uint],
  ['replyTo', uint],
  ['edited', uint],
  ['deleted', uint],
  ['deletedBy', str],
  ['reactions', list(wireReaction)],
] as const satisfies Fields<WireState>;
export const wireState = struct<WireState>('WireState', wireStateFields);
/** Replies, edits, deletions and reactions, added to MSG, JOINED and MESSAGES (§7.14). */
const states = trailing(list(wireState));
const wireMemberFields = [
  ['name', str],
  ['online', bool],
  ['operator', bool],
] as const satisfies Fields<WireMember>;
const wireRoomFields = [
  ['name', str],
  ['topic', str],
  ['members', uint],
] as const satisfies Fields<WireRoom>;
const wireUnreadFields = [
  ['with', str],
  ['read', uint],
  ['unread', uint],
  ['mentions', uint],
] as const satisfies Fields<WireUnread>;

const wireBanFields = [
  ['target', str],
  ['by', str],
  ['reason', str],
  ['at', uint],
] as const satisfies Fields<WireBan>;
const wireAuditFields = [
  ['id', uint],
  ['at', uint],
  ['actor', str],
  ['action', str],
  ['room', str],
  ['target', str],
  ['detail', str],
] as const satisfies Fields<WireAudit>;

export const wireMessage = struct<WireMessage>('WireMessage', wireMessageFields);
export const wireMember = struct<WireMember>('WireMember', wireMemberFields);
export const wireFile = struct<WireFile>('WireFile', wireFileFields);
/** Attachments, added to SEND, MSG, JOINED and MESSAGES with the 'files' capability (§12.3). */
const fileIds = trailing(list(str));
const files = trailing(list(wireFile));
export const wireRoom = struct<WireRoom>('WireRoom', wireRoomFields);
export const wireUnread = struct<WireUnread>('WireUnread', wireUnreadFields);
const presenceEvent = enumeration<PresenceEvent>('PresenceEvent', PRESENCE_EVENTS);
const wireBan = struct<WireBan>('WireBan', wireBanFields);
const wireAudit = struct<WireAudit>('WireAudit', wireAuditFields);
const role = enumeration<WireRole>('Role', ROLES);
const dmPolicy = enumeration<(typeof DM_POLICIES)[number]>('Policy', DM_POLICIES);

type Body<N extends FrameTypeName> = Omit<FrameOf<N>, 'type'>;

export const bodies = {
  HELLO: [['versions', list(uint)], ['caps', list(str)], ['agent', str]],
  WELCOME: [['version', uint], ['caps', list(str)], ['server', str], ['maxFrame', uint], ['heartbeatMs', uint]],
  ERROR: [['ref', uint], ['code', uint], ['text', str], ['versions', list(uint)], ['retryMs', trailing(uint)]],
  PING: [['n', uint]],
  PONG: [['n', uint]],
  BYE: [['code', uint], ['text', str]],
  REGISTER: [['ref', uint], ['name', str], ['password', str]],
  LOGIN: [['ref', uint], ['name', str], ['password', str], ['guest', bool], ['token', str], ['since', uint]],
  SESSION: [['ref', uint], ['name', str], ['guest', bool], ['token', str], ['resumed', bool], ['rooms', list(str)]],
  OK: [['ref', uint]],
  SUSPEND: [['ref', uint], ['user', str], ['reason', str], ['suspended', bool]],
  NICK: [['ref', uint], ['user', str], ['name', str], ['token', str]],
  CREATE: [['ref', uint], ['room', str], ['topic', str]],
  JOIN: [['ref', uint], ['room', str], ['key', trailing(str)]],
  JOINED: [['ref', uint], ['room', str], ['topic', str], ['members', list(wireMember)], ['history', list(wireMessage)], ['files', files], ['states', states]],
  LEAVE: [['ref', uint], ['room', str]],
  ROOMS: [['ref', uint], ['after', trailing(str)], ['limit', trailing(uint)]],
  ROOM_LIST: [['ref', uint], ['rooms', list(wireRoom)], ['next', trailing(str)]],
  MEMBERS: [['ref', uint], ['room', str]],
  MEMBER_LIST: [['ref', uint], ['room', str], ['members', list(wireMember)], ['voiced', trailing(list(str))]],
  TOPIC: [['ref', uint], ['room', str], ['topic', str], ['by', str]],
  KICK: [['ref', uint], ['room', str], ['user', str], ['reason', str], ['by', str]],
  BAN: [['ref', uint], ['room', str], ['user', str], ['reason', str]],
  UNBAN: [['ref', uint], ['room', str], ['user', str]],
  ROLE: [['ref', uint], ['room', str], ['user', str], ['role', role], ['by', str]],
  SETTINGS: [
    ['ref', uint], ['room', str], ['inviteOnly', bool], ['keyed', bool], ['key', str], ['limit', uint], ['moderated', bool],
    ['secret', bool], ['topicLocked', bool], ['membersOnly', bool], ['closed', bool], ['by', str],
  ],
  INVITE: [['ref', uint], ['room', str], ['user', str], ['by', str]],
  MUTE: [['ref', uint], ['room', str], ['user', str], ['seconds', uint], ['reason', str], ['by', str]],
  SEND: [['ref', uint], ['cid', str], ['to', list(str)], ['text', str], ['files', fileIds], ['replyTo', trailing(uint)]],
  ACK: [['ref', uint], ['cid', str], ['id', uint], ['at', uint]],
  MSG: [['msg', wireMessage], ['files', files], ['safe', trailing(uint)], ['states', states]],
  HISTORY: [['ref', uint], ['with', str], ['before', uint], ['after', uint], ['limit', uint]],
  MESSAGES: [['ref', uint], ['with', str], ['messages', list(wireMessage)], ['more', bool], ['files', files], ['states', states]],
  PRESENCE: [['room', str], ['user', str], ['event', presenceEvent]],
  GAP: [['since', uint], ['until', uint]],
  TYPING: [['to', str], ['user', str]],
  DIRECTS: [['ref', uint], ['limit', uint]],
  READ: [['ref', uint], ['with', str], ['id', uint]],
  UNREADS: [['ref', uint], ['limit', uint]],
  UNREAD_LIST: [['ref', uint], ['unreads', list(wireUnread)]],
  SEARCH: [['ref', uint], ['query', str], ['before', uint], ['limit', uint]],
  EDIT: [['ref', uint], ['id', uint], ['text', str], ['by', str], ['at', uint]],
  DELETE: [['ref', uint], ['id', uint], ['by', str], ['at', uint]],
  REACT: [['ref', uint], ['id', uint], ['emoji', str], ['on', bool], ['user', str]],
  SET_POLICY: [['ref', uint], ['policy', dmPolicy]],
  CONSENT_ASK: [['ref', uint], ['user', str]],
  BLOCK: [['ref', uint], ['user', str], ['blocked', bool]],
  CONSENT: [['ref', uint], ['user', str], ['accept', bool]],
  FILE_OFFER: [['ref', uint], ['name', str], ['size', uint], ['mediaType', str], ['sha256', str]],
  FILE_TICKET: [['ref', uint], ['ticket', str], ['file', str], ['chunk', uint], ['window', uint]],
  FILE_PUT: [['ticket', str], ['offset', uint], ['last', bool], ['data', bytes]],
  FILE_PROGRESS: [['ref', uint], ['received', uint]],
  FILE_STORED: [['ref', uint], ['file', wireFile]],
  FILE_GET: [['ref', uint], ['file', str], ['offset', uint]],
  FILE_DATA: [['ref', uint], ['offset', uint], ['last', bool], ['data', bytes]],
  BANS: [['ref', uint], ['room', str]],
  BAN_LIST: [['ref', uint], ['room', str], ['bans', list(wireBan)]],
  CLOSE: [['ref', uint], ['room', str], ['closed', bool], ['reason', str]],
  AUDIT: [['ref', uint], ['room', str], ['before', uint], ['limit', uint]],
  AUDIT_LOG: [['ref', uint], ['records', list(wireAudit)]],
  GET_SETTINGS: [['ref', uint], ['room', str]],
} as const satisfies { [N in FrameTypeName]: Fields<Body<N>> };

// Compile-time completeness: every field of every frame and structure appears in its table.
type Missing<T, S extends readonly (readonly [string, unknown])[]> = Exclude<keyof T, S[number][0]>;
type MissingInBodies = { [N in FrameTypeName]: Missing<Body<N>, (typeof bodies)[N]> }[FrameTypeName];
type MissingInStructs =
  | Missing<WireMessage, typeof wireMessageFields>
  | Missing<WireMember, typeof wireMemberFields>
  | Missing<WireRoom, typeof wireRoomFields>
  | Missing<WireFile, typeof wireFileFields>
  | Missing<WireUnread, typeof wireUnreadFields>
  | Missing<WireState, typeof wireStateFields>
  | Missing<WireReaction, typeof wireReactionFields>
  | Missing<WireBan, typeof wireBanFields>
  | Missing<WireAudit, typeof wireAuditFields>;
const complete: [MissingInBodies | MissingInStructs] extends [never] ? true : MissingInBodies | MissingInStructs = true;
void complete;

/** A frame type ready for the codec's loops. */
export interface BodySchema {
  readonly name: FrameTypeName;
  readonly code: number;
  readonly names: readonly string[];
  readonly kinds: readonly FieldKind<unknown>[];
  /** The first field is the request reference: errors about the body can quote it. */
  readonly refFirst: boolean;
}

function schemaOf(name: FrameTypeName): BodySchema {
  const fields = bodies[name] as readonly (readonly [string, FieldKind<unknown>])[];
  return {
    name,
    code: FrameType[name],
    names: fields.map((f) => f[0]),
    kinds: fields.map((f) => f[1]),
    refFirst: fields.length > 0 && fields[0][0] === 'ref',
  };
}

const all = (Object.keys(FrameType) as FrameTypeName[]).map(schemaOf);

export const schemaByName = Object.fromEntries(all.map((s) => [s.name, s])) as Record<FrameTypeName, BodySchema>;

/** Indexed by type code; undefined for codes v1 does not define. */
export const schemaByCode: readonly (BodySchema | undefined)[] = Array.from({ length: 256 }, (_, code) => all.find((s) => s.code === code));
