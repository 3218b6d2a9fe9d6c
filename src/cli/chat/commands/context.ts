// What a slash command may do: the chat client's abilities as the commands need them. The
// controller implements it; the unit tests pass a fake that records the calls.
import type { Conversation } from '../../../client/conversations.js';
import type { IncomingMessage, WireFile, WireMember, WireRoom } from '../../../client/node.js';
import type { RoomAdminActions } from './room-admin.js';

export interface CommandContext {
  /** The conversation on screen, if any. */
  openConversation(): Conversation | undefined;
  /** Sends a message to rooms or users (several users: one message to all of them). */
  send(targets: readonly string[], text: string): void;
  /** Sends again one's messages that failed in conversation `key`; how many there were. */
  retryFailed(key: string): number;
  /** Opens the conversation with these targets (created if new). */
  openWith(targets: readonly string[]): void;
  /** Joins a room (creating it if it does not exist) and opens it; `key` for a room with one. */
  join(room: string, key?: string): Promise<void>;
  leave(room: string): Promise<void>;
  /**
   * A page of the server's rooms, by name (docs/protocol.md §7.2.1): the first, or with `more`
   * the one after the page shown last. `more` in the answer: rooms follow this page.
   */
  roomPage(more: boolean): Promise<{ rooms: readonly WireRoom[]; more: boolean }>;
  members(room: string): Promise<readonly WireMember[]>;
  setTopic(room: string, topic: string): Promise<void>;
  /** A guest's new nickname (docs/protocol.md §7.1.1); an account's name never changes. */
  rename(name: string): Promise<void>;
  /** Room moderation (docs/protocol.md §7.12); the server says who may. */
  kick(room: string, user: string, reason: string): Promise<void>;
  ban(room: string, user: string, reason: string): Promise<void>;
  unban(room: string, user: string): Promise<void>;
  /** Changes to stored messages (docs/protocol.md §7.14); the server says who may. */
  edit(id: number, text: string): Promise<void>;
  deleteMessage(id: number): Promise<void>;
  /** Adds one's reaction with `emoji`, or takes it back when it is there. */
  toggleReaction(id: number, emoji: string): Promise<void>;
  /** Sends `text` to `targets` (one conversation) as an answer to message `replyTo`. */
  reply(targets: readonly string[], text: string, replyTo: number): void;
  /** Room roles and settings, mutes, bans, closing, the audit log (docs/protocol.md §7.17, §7.18). */
  roomAdmin(): RoomAdminActions;
  /**
   * Messages one may read holding every word of `query`, newest first (docs/protocol.md §7.16);
   * with `more`, the page after the one shown last. `more` in the answer: older results follow.
   */
  searchPage(query: string, more: boolean): Promise<{ messages: readonly IncomingMessage[]; more: boolean }>;
  /** Blocks a user, or unblocks (docs/protocol.md §7.4.1). */
  block(user: string, blocked: boolean): Promise<void>;
  answerConsent(user: string, accept: boolean): Promise<void>;
  askConsent(user: string): Promise<void>;
  setPolicy(policy: 'open' | 'consent'): Promise<void>;
  /** Uploads the file at `path` and sends it to `targets`; resolves with the stored file. */
  sendFile(path: string, targets: readonly string[]): Promise<WireFile>;
  /** Downloads a file (by its number on screen or its id); resolves with where it was saved. */
  download(ref: string, path: string | undefined): Promise<string>;
  /** Shows lines in a panel over the messages (Esc closes it). */
  show(title: string, lines: readonly string[]): void;
  /** A one-line notice. */
  info(text: string): void;
  error(text: string): void;
  quit(): void;
}

/** One slash command: its entry in the table, with its own handler. */
export interface ChatCommand {
  name: string;
  aliases?: readonly string[];
  /** How it is called, e.g. '/join ROOM'. */
  usage: string;
  summary: string;
  /** Runs the command with the text after its name; a UsageError says the arguments do not fit. */
  run(ctx: CommandContext, args: string): void | Promise<void>;
}
