// The coded error catalogue. Codes are part of the native protocol (docs/protocol.md, section
// "Error catalogue"): the core raises them, every gateway maps them to its own protocol's codes,
// and clients read them off the wire. A leaf of the tree, so the protocol codec, the transports
// and the browser bundle can know them without importing the domain.
// test/unit/vocabulary/errors-doc.test.ts checks that this table and the document agree.

export const ErrorCode = {
  PROTOCOL_ERROR: 1,        // malformed frame or body
  FRAME_TOO_LARGE: 2,
  INVALID_UTF8: 3,
  VERSION_MISMATCH: 4,
  HANDSHAKE_REQUIRED: 5,    // a frame other than HELLO before the handshake
  AUTH_REQUIRED: 6,         // a frame that needs a session before LOGIN/REGISTER
  ALREADY_AUTHENTICATED: 7,
  BAD_REQUEST: 8,           // a field has a value outside its documented range
  BAD_CREDENTIALS: 10,      // unknown user or wrong password (never says which)
  NAME_TAKEN: 11,           // registration of an existing name
  INVALID_NAME: 12,
  GUESTS_DISABLED: 13,
  NAME_IN_USE: 14,          // a guest nickname that a registered account or live session holds
  INVALID_PASSWORD: 15,
  LOGIN_THROTTLED: 16,      // too many failed logins for the name or from the address; wait retryMs
  LOGIN_BUSY: 17,           // too many password checks queued; wait retryMs
  SUSPENDED: 18,            // the account is suspended by a server admin
  KILLED: 19,               // a server admin ended the user's sessions (IRC KILL); it may come back
  NO_SUCH_ROOM: 20,
  ROOM_EXISTS: 21,
  NOT_MEMBER: 22,
  ALREADY_MEMBER: 23,
  NOT_OPERATOR: 24,
  TOO_MANY_ROOMS: 25,       // the user has created as many rooms as it may
  BANNED: 26,               // the user (or the guest's nickname or address) is banned from the room
  INVITE_ONLY: 27,          // the room is invite-only and the user has no invitation
  BAD_KEY: 28,              // the room's key is missing or wrong
  ROOM_FULL: 29,            // the room has as many members as its limit
  NO_SUCH_USER: 30,
  CONSENT_REQUIRED: 31,     // recipient accepts DMs only after consent; a request was sent
  CONSENT_REFUSED: 32,
  EMPTY_MESSAGE: 33,
  MESSAGE_TOO_LONG: 34,
  TOO_MANY_TARGETS: 35,
  NO_TARGETS: 36,
  TOPIC_TOO_LONG: 37,
  NO_CONSENT_REQUEST: 38,   // an answer to a consent request that was never made
  RATE_LIMITED: 40,
  SLOW_CONSUMER: 41,
  KEEPALIVE_TIMEOUT: 42,
  LOGIN_TIMEOUT: 43,        // no login within the server's login deadline
  TOO_MANY_CONNECTIONS: 44, // the server, or the peer's address, has as many connections as it admits
  INTERNAL: 50,
  SHUTTING_DOWN: 51,
  MUTED: 80,                // the sender is muted in the room for a while
  MODERATED: 81,            // the room is moderated and the sender has no voice
  ROOM_CLOSED: 82,          // a server admin closed the room
  FILE_TOO_LARGE: 60,       // an offered file over the server's size limit
  NO_SUCH_FILE: 61,         // no stored file has that id
  FILE_CORRUPT: 62,         // an upload whose bytes do not match its offered size or SHA-256
  NO_SUCH_UPLOAD: 63,       // a FILE_PUT whose ticket is unknown, finished or expired
  TOO_MANY_UPLOADS: 64,     // more unfinished uploads than a session may have
  QUOTA_EXCEEDED: 65,       // an upload over the user's or the server's file quota
  STORAGE_FULL: 66,         // the server's disk is too full to take uploads
  QUERY_TOO_LONG: 75,       // a search query over its length in bytes or in words
  NO_SUCH_MESSAGE: 70,      // no message of that id that the user can read
  NOT_AUTHOR: 71,           // an edit (or deletion) of someone else's message
  TOO_MANY_REACTIONS: 72,   // the message has as many distinct emoji, or the user as many reactions on it, as allowed
  MESSAGE_DELETED: 73,      // an edit, reaction or reply to a deleted message
  BAD_EMOJI: 74,            // a reaction that is not one short emoji-like string
} as const;

export type ErrorName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorName];

const names = new Map<number, ErrorName>(
  (Object.entries(ErrorCode) as [ErrorName, number][]).map(([n, c]) => [c, n]),
);

export function errorName(code: number): ErrorName | undefined {
  return names.get(code);
}
