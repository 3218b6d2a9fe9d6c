// What the session controller (session.ts) shows a UI and hears from it.
import type { ChatModel } from './conversations.js';
import type { ClientState } from './state.js';

export type AuthState = 'signed-out' | 'signing-in' | 'signed-in';
export type LoginMode = 'login' | 'register' | 'guest';

export interface Credentials {
  mode: LoginMode;
  name: string;
  /** '' for a guest. */
  password: string;
}

/** What a later run needs to resume this session (a reloaded page keeps it). */
export interface ResumePoint {
  token: string;
  /** The highest message id seen: the server replays what came after. */
  since: number;
  /** The rooms shown: a guest's rooms are gone from the server once its connection ended. */
  rooms: readonly string[];
}

export interface SessionOptions {
  /** Log in with these as soon as the connection is up. */
  credentials?: Credentials;
  /** Resume this session as soon as the connection is up. */
  resume?: ResumePoint;
}

/** The state a UI renders; each UI adds its own fields. */
export interface SessionView {
  /** `detail`: why the last connection attempt failed, until one succeeds. */
  connection: { state: ClientState; detail: string };
  auth: AuthState;
  /** Why the last login failed. */
  loginError: string;
  /** A session of an earlier run is being resumed. */
  restoring: boolean;
  chat: ChatModel;
  /** Who may send this user direct messages, as last set here. */
  policy: 'open' | 'consent';
  /** quit() was called. */
  quitting: boolean;
}

/** Something the UI should tell the user, in its own words. */
export type SessionNotice =
  /** An error the server reported outside any request of the UI's (or a refused resume). */
  | { kind: 'error'; error: unknown }
  /** A request the session made by itself failed. */
  | { kind: 'failed'; doing: 'join' | 'list direct conversations' | 'count unread messages' | 'load older messages'; error: unknown }
  | { kind: 'connection-lost'; detail: string }
  /** Back after a lost connection: how many messages of others came in meanwhile. */
  | { kind: 'resumed'; missed: number }
  /** The server no longer knows the session: log in again. */
  | { kind: 'session-ended' }
  | { kind: 'topic'; room: string; topic: string; by: string }
  /** A guest, or (`me`) this user, took another nickname (docs/protocol.md §7.1.1). */
  | { kind: 'nick'; user: string; name: string; me: boolean }
  /** Someone, or (`me`) this user, was removed from a room. */
  | { kind: 'kick'; room: string; user: string; by: string; reason: string; me: boolean }
  /** Room roles, settings, invitations and mutes (docs/protocol.md §7.17); `me`: about this user. */
  | { kind: 'role'; room: string; user: string; role: 'member' | 'voiced' | 'operator'; by: string; me: boolean }
  | { kind: 'settings'; room: string; by: string; moderated: boolean; inviteOnly: boolean; keyed: boolean }
  | { kind: 'invite'; room: string; by: string }
  | { kind: 'mute'; room: string; user: string; seconds: number; reason: string; by: string; me: boolean }
  | { kind: 'consent-ask'; user: string }
  | { kind: 'consent-answer'; user: string; accept: boolean };
