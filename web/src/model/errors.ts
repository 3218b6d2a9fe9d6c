// What the user reads when a request fails: by the SDK's error name, else its message.

const TEXT: Readonly<Record<string, string>> = {
  BAD_CREDENTIALS: 'Wrong name or password.',
  NAME_TAKEN: 'That name is already taken.',
  NAME_IN_USE: 'That name is in use right now.',
  INVALID_NAME: 'Names are 1–32 letters, digits, “_”, “-” or “.”, starting with a letter or digit (rooms start with “#”).',
  INVALID_PASSWORD: 'That password is not allowed (too short or too long).',
  GUESTS_DISABLED: 'This server does not allow guests.',
  ROOM_EXISTS: 'That room already exists: join it instead.',
  NO_SUCH_ROOM: 'There is no such room.',
  NOT_MEMBER: 'Join the room first.',
  NOT_OPERATOR: 'Only the room’s operators can do that.',
  NO_SUCH_USER: 'There is no such user.',
  CONSENT_REQUIRED: 'They accept direct messages only after a request: one has been sent.',
  CONSENT_REFUSED: 'They refused your direct messages.',
  NO_CONSENT_REQUEST: 'They have not asked to send you direct messages.',
  RATE_LIMITED: 'Slow down a little, then try again.',
  MESSAGE_TOO_LONG: 'The message is too long.',
  EMPTY_MESSAGE: 'The message is empty.',
  TOO_MANY_TARGETS: 'Too many recipients.',
  FILE_TOO_LARGE: 'The file is too large for this server.',
  TOO_MANY_ROOMS: 'You have created as many rooms as this server allows.',
  QUOTA_EXCEEDED: 'Your file quota on this server is used up.',
  STORAGE_FULL: 'The server is short of disk space: try again later.',
  TOO_MANY_CONNECTIONS: 'The server is busy: too many connections.',
  NOT_CONNECTED: 'Not connected to the server.',
  CONNECTION_LOST: 'The connection was lost.',
  TIMEOUT: 'The server did not answer in time.',
};

export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && TEXT[name]) return TEXT[name];
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(err);
}

/** The error's name, when it is one of the SDK's. */
export function errorNameOf(err: unknown): string {
  const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : '';
}
