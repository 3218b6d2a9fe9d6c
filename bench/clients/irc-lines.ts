// What the IRC load client makes of each line a server sends, and the lines it sends. Pure, so the
// accounting can be tested without a server: only PRIVMSG to the bench channel carries a bench
// message; the text after the last parameter's colon is the stamped payload, unchanged.
import { Limits, parseLine } from '../../src/gateways/irc/codec.js';

export type IrcEvent =
  /** RPL_WELCOME (001): registered. */
  | { kind: 'welcome' }
  /** RPL_YOUREOPER (381): OPER accepted. */
  | { kind: 'oper' }
  /** RPL_ENDOFNAMES (366) for the channel: the JOIN is complete. */
  | { kind: 'joined'; channel: string }
  /** A PRIVMSG to the channel: the payload text. */
  | { kind: 'message'; channel: string; text: string }
  | { kind: 'ping'; token: string }
  /** An error numeric (400-599): registration or a send was refused. */
  | { kind: 'refused'; numeric: number }
  /** ERROR: the server is closing the link (flood, SendQ, K-line). */
  | { kind: 'closing'; reason: string }
  | { kind: 'other' };

/** One line from the server, without its line ending. */
export function readIrcLine(line: string): IrcEvent {
  // A server's line may carry up to the full 8191 bytes of tags, more than a client may send.
  const parsed = parseLine(line, Limits.TAG_BYTES);
  if (!parsed.ok) return { kind: 'other' };
  const { command, params } = parsed.message;
  switch (command) {
    case '001': return { kind: 'welcome' };
    case '381': return { kind: 'oper' };
    case '366': return { kind: 'joined', channel: params[1] ?? '' };
    case 'PRIVMSG': return { kind: 'message', channel: params[0] ?? '', text: params[1] ?? '' };
    case 'PING': return { kind: 'ping', token: params[0] ?? '' };
    case 'ERROR': return { kind: 'closing', reason: params[0] ?? '' };
    default: break;
  }
  const numeric = /^\d{3}$/.test(command) ? Number(command) : 0;
  // 433 (nickname in use) and the like end registration; 404, 482 refuse a message. 422 (no
  // MOTD) is only information.
  return numeric >= 400 && numeric < 600 && numeric !== 422 ? { kind: 'refused', numeric } : { kind: 'other' };
}

/** Registration: no password, no capabilities, so every server sees the same plain client. */
export function registrationLines(nick: string): string {
  return `NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\n`;
}

/** A bench message to the channel; the payload has no line breaks and no leading colon. */
export function privmsgLine(channel: string, text: string): string {
  return `PRIVMSG ${channel} :${text}\r\n`;
}

/**
 * Confab's error codes and IRC numerics share one tally in the report: numerics are counted
 * under this offset so that, say, 404 is never read as a confab code.
 */
export const IRC_NUMERIC_BASE = 100_000;
