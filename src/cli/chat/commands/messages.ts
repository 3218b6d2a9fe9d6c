// /msg: a direct message to one user or, as one message, to several. /retry: send again what failed.
import { firstWord, parseRecipients, UsageError } from '../parse.js';
import type { ChatCommand } from './context.js';

export const msg: ChatCommand = {
  name: 'msg',
  aliases: ['m', 'query'],
  usage: '/msg USER[,USER2...] [TEXT]',
  summary: 'send a direct message to one or several users (without text: open the conversation)',
  run(ctx, args) {
    const [list, text] = firstWord(args);
    const to = parseRecipients(list);
    if (to.length === 0) throw new UsageError('to whom?');
    if (to.some((t) => t.startsWith('#'))) throw new UsageError('for rooms, write in the room');
    ctx.openWith(to);
    if (text.trim() !== '') ctx.send(to, text);
  },
};

export const retry: ChatCommand = {
  name: 'retry',
  usage: '/retry',
  summary: 'send again your messages that failed here (with the same id: never twice)',
  run(ctx, args) {
    if (args.trim() !== '') throw new UsageError('no arguments');
    const open = ctx.openConversation();
    const n = open ? ctx.retryFailed(open.key) : 0;
    if (n === 0) ctx.info('no failed message here to send again');
    else ctx.info(`sending ${n} message${n === 1 ? '' : 's'} again`);
  },
};
