// RPL_ISUPPORT (005) tokens: each says what confab does (docs/irc.md §4.4).

/** Characters of a nickname and of a channel name ('#' included): docs/protocol.md §7.8. */
export const NICKLEN = 32;
export const CHANNELLEN = 50;
/** Bytes of a topic (the core's maxTopic), of a KICK reason and of an AWAY message. */
export const TOPICLEN = 300;
export const KICKLEN = 300;
export const AWAYLEN = 300;
/** Targets of one PRIVMSG or NOTICE: the core's maxTargets. */
export const MAX_MSG_TARGETS = 32;
/** Messages one CHATHISTORY answer holds at most: the core's history page (docs/irc.md §6.14). */
export const CHATHISTORY_MAX = 100;
/** Characters of USER's username kept (shown after `~`, docs/irc.md §4.1). */
export const USERLEN = 10;
/** Mode changes with a parameter that one MODE line may carry. */
export const MAX_MODES = 6;

export const ISUPPORT: readonly string[] = [
  'AWAYLEN=' + String(AWAYLEN),
  // IRCv3 bot-mode: the user mode a bot sets on itself (docs/irc.md §6.10).
  'BOT=B',
  // Names are the same when confab's name keys are (docs/irc.md §4.5): neither rfc1459 nor ascii.
  'CASEMAPPING=confab',
  // Lists, then modes with a parameter always, with one when set, and flags (docs/irc.md §6.10).
  'CHANMODES=b,k,l,imnst',
  'CHANNELLEN=' + String(CHANNELLEN),
  'CHANTYPES=#',
  'CHATHISTORY=' + String(CHATHISTORY_MAX),
  'KICKLEN=' + String(KICKLEN),
  'MODES=' + String(MAX_MODES),
  'MSGREFTYPES=msgid,timestamp',
  'NETWORK=confab',
  'NICKLEN=' + String(NICKLEN),
  'PREFIX=(ov)@+',
  'SAFELIST',
  `TARGMAX=PRIVMSG:${MAX_MSG_TARGETS},NOTICE:${MAX_MSG_TARGETS},NAMES:1,WHOIS:1,KICK:1`,
  'TOPICLEN=' + String(TOPICLEN),
  'USERLEN=' + String(USERLEN),
  'UTF8ONLY',
  'WHOX',
];

/** The tokens in 005 lines of at most 13 tokens each. */
export function isupportLines(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ISUPPORT.length; i += 13) out.push(ISUPPORT.slice(i, i + 13));
  return out;
}
