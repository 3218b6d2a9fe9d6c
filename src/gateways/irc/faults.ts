import type { ChatError } from '../../core/errors.js';
import { formatMessage } from './codec.js';
import type { IrcClient } from './context.js';
import { ERR } from './numerics.js';

/**
 * A core error as an IRC client hears it (docs/irc.md §9.2): the numeric a server sends for it
 * where IRC has one, else a standard reply `FAIL <command> <CONFAB_ERROR> :text`.
 */
export function chatFault(c: IrcClient, command: string, err: ChatError, target = '*'): void {
  switch (err.errorName) {
    case 'NO_SUCH_ROOM': return c.numeric(ERR.NOSUCHCHANNEL, target, 'No such channel');
    case 'NO_SUCH_USER': return c.numeric(ERR.NOSUCHNICK, target, 'No such nick/channel');
    case 'NOT_MEMBER': return c.numeric(ERR.NOTONCHANNEL, target, "You're not on that channel");
    case 'NOT_OPERATOR': return c.numeric(ERR.CHANOPRIVSNEEDED, target, "You're not channel operator");
    case 'BANNED': return c.numeric(ERR.BANNEDFROMCHAN, target, 'Cannot join channel (+b)');
    case 'INVITE_ONLY': return c.numeric(ERR.INVITEONLYCHAN, target, 'Cannot join channel (+i)');
    case 'BAD_KEY': return c.numeric(ERR.BADCHANNELKEY, target, 'Cannot join channel (+k)');
    case 'ROOM_FULL': return c.numeric(ERR.CHANNELISFULL, target, 'Cannot join channel (+l)');
    case 'MODERATED': return c.numeric(ERR.CANNOTSENDTOCHAN, target, 'Cannot send to channel (+m)');
    case 'MUTED': return c.numeric(ERR.CANNOTSENDTOCHAN, target, `Cannot send to channel: ${err.message}`);
    case 'TOO_MANY_ROOMS': return c.numeric(ERR.TOOMANYCHANNELS, target, 'You have created as many channels as this server allows');
    case 'TOO_MANY_TARGETS': return c.numeric(ERR.TOOMANYTARGETS, target, 'Too many targets');
    case 'EMPTY_MESSAGE': return c.numeric(ERR.NOTEXTTOSEND, 'No text to send');
    case 'INVALID_NAME': return c.numeric(ERR.NOSUCHCHANNEL, target, 'Invalid name');
    case 'CONSENT_REQUIRED':
    case 'CONSENT_REFUSED':
      return c.numeric(ERR.TARGUMODEG, target, 'does not accept your direct messages');
    default:
      c.send(formatMessage({ source: c.gw.options.serverName, command: 'FAIL', params: [command, err.errorName, err.message] }));
  }
}
