import { ChatError } from '../../core/errors.js';
import { type ErrorName } from '../../vocabulary/errors.js';

/**
 * ChatOS error codes (the error packet, seed 003 §7). 1-4 are the seed's; the seed leaves the rest
 * "to be defined during the development": 5-7 are this server's (docs/chatos.md §6).
 */
export const ChatosError = {
  /** 1: Packet is missing data (never completed, or a required string is empty). */
  MISSING_DATA: 1,
  /** 2: Packet has error in data (unknown opcode, bad string, bad value, not allowed now). */
  BAD_DATA: 2,
  /** 3: The user asked doesn't exist. */
  NO_SUCH_USER: 3,
  /** 4: The user has not accepted a private connection with you. */
  NO_PRIVATE_CONNECTION: 4,
  /** 5: The nickname is taken (a connected user or a registered account). */
  NICKNAME_IN_USE: 5,
  /** 6: Too many packets: this one was refused, send it again later. */
  TRY_LATER: 6,
  /** 7: The server cannot serve the packet now (shutting down, guests disabled, internal fault). */
  UNAVAILABLE: 7,
} as const;

export type ChatosErrorCode = (typeof ChatosError)[keyof typeof ChatosError];

/** A failure the gateway itself finds, with its ChatOS code. */
export class ChatosFault extends Error {
  constructor(readonly code: ChatosErrorCode, message: string) {
    super(message);
  }
}

const FROM_CORE: Partial<Record<ErrorName, ChatosErrorCode>> = {
  EMPTY_MESSAGE: ChatosError.MISSING_DATA,
  NO_TARGETS: ChatosError.MISSING_DATA,
  PROTOCOL_ERROR: ChatosError.BAD_DATA,
  INVALID_UTF8: ChatosError.BAD_DATA,
  BAD_REQUEST: ChatosError.BAD_DATA,
  INVALID_NAME: ChatosError.BAD_DATA,
  MESSAGE_TOO_LONG: ChatosError.BAD_DATA,
  TOO_MANY_TARGETS: ChatosError.BAD_DATA,
  NO_SUCH_ROOM: ChatosError.BAD_DATA,
  NOT_MEMBER: ChatosError.BAD_DATA,
  NO_SUCH_USER: ChatosError.NO_SUCH_USER,
  CONSENT_REQUIRED: ChatosError.NO_PRIVATE_CONNECTION,
  CONSENT_REFUSED: ChatosError.NO_PRIVATE_CONNECTION,
  NO_CONSENT_REQUEST: ChatosError.BAD_DATA,
  NAME_IN_USE: ChatosError.NICKNAME_IN_USE,
  NAME_TAKEN: ChatosError.NICKNAME_IN_USE,
  RATE_LIMITED: ChatosError.TRY_LATER,
  // Room administration (protocol.md §7.17): a mute runs out, so try later; a moderated room does not allow it now.
  MUTED: ChatosError.TRY_LATER,
  MODERATED: ChatosError.BAD_DATA,
};

/** The ChatOS code of a core error; what ChatOS cannot name is UNAVAILABLE. */
export function chatosCode(err: ChatError): ChatosErrorCode {
  return FROM_CORE[err.errorName] ?? ChatosError.UNAVAILABLE;
}
