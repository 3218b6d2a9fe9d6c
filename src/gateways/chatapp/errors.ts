import type { ErrorName } from '../../vocabulary/errors.js';

/** ChatApp error codes (the Error message, seed 004 §4.b.ii), with the seed's texts. */
export const AppErrorCode = {
  /** 99: Generic Error ("ERROR UNSPECIFIED"): what no other code names. */
  GENERIC: 99,
  /** 2: CONNECTION ERROR: lost connection from {ip or username}. */
  CONNECTION_LOST: 2,
  /** 3: CONNECTION ERROR: {username} username already in use. */
  NAME_IN_USE: 3,
  /** 4: MSG ERROR: msg in message exceeds {MSG_MAX}. */
  MESSAGE_TOO_LONG: 4,
  /** 20: ERROR: empty string submitted. */
  EMPTY: 20,
  /** 21: ERROR: name exceeds MAX length {NAME_MAX}. */
  NAME_TOO_LONG: 21,
  /** 22: ROOM ERROR: {room} does not exist. */
  NO_SUCH_ROOM: 22,
  /** 23: USER ERROR: username does not match username associated with connection. */
  WRONG_SENDER: 23,
  /** 24: ROOM ERROR: {name} username already joined to {room}. */
  ALREADY_JOINED: 24,
  /** 25: ROOM ERROR: {room} name already in use. */
  ROOM_EXISTS: 25,
  /**
   * 25 as well: the seed answers a message to a room that does not exist with it (§6.g.iii.3.b),
   * where a Join of one gets 22.
   */
  MESSAGE_TO_NO_ROOM: 25,
  /** 26: MSG ERROR: data in message exceeds {DATA_MAX}. */
  DATA_TOO_LONG: 26,
  /** 27: ROOM ERROR: {name} username not joined to {room}. */
  NOT_JOINED: 27,
  /** 28: WARNING: could not join all selected rooms. */
  PARTIAL_JOIN: 28,
} as const;

/** A request the seed answers with an Error message (code and text of seed §4.b.ii). */
export class AppFault extends Error {
  constructor(readonly code: number, text: string, readonly fatal = false) {
    super(text);
  }
}

const FROM_CORE: Partial<Record<ErrorName, number>> = {
  NAME_IN_USE: AppErrorCode.NAME_IN_USE,
  NAME_TAKEN: AppErrorCode.NAME_IN_USE,
  NO_SUCH_ROOM: AppErrorCode.NO_SUCH_ROOM,
  ROOM_EXISTS: AppErrorCode.ROOM_EXISTS,
  NOT_MEMBER: AppErrorCode.NOT_JOINED,
  EMPTY_MESSAGE: AppErrorCode.EMPTY,
  MESSAGE_TOO_LONG: AppErrorCode.DATA_TOO_LONG,
  INVALID_NAME: AppErrorCode.NAME_TOO_LONG,
};

/** The ChatApp code of a core error, where the seed has one; 99 (generic) otherwise. */
export function appCode(name: ErrorName): number {
  return FROM_CORE[name] ?? AppErrorCode.GENERIC;
}
