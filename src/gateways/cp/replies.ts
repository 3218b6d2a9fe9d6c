// The reply and error codes of CP (seed 002, "Protocol Response messages", "Protocol Error
// messages" and "List of Changes during Implementation"), with the texts this server sends.
// docs/cp.md §6 lists when each one is sent.

export const Reply = {
  /** 201: Error Processing was left with TERM; the connection is Idle again. */
  RECOVERED: 201,
  /** 220: a well-formed user name was received (never says whether it exists). */
  USER_RECEIVED: 220,
  /** 230: PASS matched the name USER gave. */
  AUTHENTICATED: 230,
  /** 240: SMSG's message is stored and on its way. */
  MESSAGE_SENT: 240,
  /** 250: one downloaded message, `sender:text`. */
  MESSAGE_DOWNLOADED: 250,
  /** 255: the last 250 of an RMSG answer. */
  END_OF_MESSAGES: 255,
  /** 256: RMSG found nothing waiting. */
  NO_NEW_MESSAGES: 256,

  /** 500: unknown command, command out of order, or a PDU CP's grammar does not allow. */
  BAD_COMMAND: 500,
  /** 540: SMSG failed (PDU not ended in time, refused by the receiver's policy, not stored). */
  SEND_FAILED: 540,
  /** 545: SMSG's receiver is no user. */
  NO_SUCH_RECEIVER: 545,
  /** 546: a ':' where CP's grammar has none (in USER's name). */
  TOO_MANY_COLONS: 546,
  /** 550: RMSG failed (PDU not ended in time, mailbox unreadable). */
  DOWNLOAD_FAILED: 550,
  /** 560: USER's name was not received (missing, too long, not UTF-8, control characters, timeout). */
  USER_FAILED: 560,
  /** 565: authentication failed, whatever the reason (unknown user, wrong or malformed password). */
  AUTH_FAILED: 565,
} as const;

export type ReplyName = keyof typeof Reply;
export type ReplyCode = (typeof Reply)[ReplyName];

/** The response-message text of each code: the seed's definition (240's corrected, see docs/cp.md §6). */
export const REPLY_TEXT: Readonly<Record<ReplyCode, string>> = {
  201: 'recovered from error',
  220: 'received username successfully',
  230: 'user authenticated successfully',
  240: 'message successfully sent',
  250: 'message successfully downloaded',
  255: 'end of messages',
  256: 'no new messages',
  500: 'bad command',
  540: 'error sending message',
  545: 'receiver user does not exist',
  546: 'too many : characters found in PDU from client',
  550: 'error downloading message',
  560: 'error sending username',
  565: 'error authenticating user',
};

