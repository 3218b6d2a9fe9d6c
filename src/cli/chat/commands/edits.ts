// /edit, /delete, /react and /reply: changes to stored messages (docs/protocol.md §7.14) in the
// open conversation. A message is named by ^N, counting stored messages up from the newest
// (^1); without it each command takes the message one most likely means. Whether the user may
// is the server's to say: the commands only pass the request on.
import type { ShownMessage } from '../../../client/conversations.js';
import { UsageError } from '../parse.js';
import type { ChatCommand, CommandContext } from './context.js';

/** The open conversation's stored messages, newest first. */
function storedNewestFirst(ctx: CommandContext): ShownMessage[] {
  const open = ctx.openConversation();
  if (!open) throw new UsageError('open a conversation first');
  return open.messages.filter((m) => m.id > 0).reverse();
}

/** "^N rest": the message ^N names and the rest; without ^N, the newest that `fallback` accepts. */
function pick(ctx: CommandContext, args: string, fallback: (m: ShownMessage) => boolean, what: string): { message: ShownMessage; rest: string } {
  const messages = storedNewestFirst(ctx);
  const match = /^\^(\d+)(?:\s+|$)/.exec(args.trim());
  if (match) {
    const message = messages[Number(match[1]) - 1];
    if (!message) throw new UsageError(`no message ^${match[1]} here`);
    return { message, rest: args.trim().slice(match[0].length).trim() };
  }
  const message = messages.find(fallback);
  if (!message) throw new UsageError(`no ${what} here`);
  return { message, rest: args.trim() };
}

const alive = (m: ShownMessage): boolean => !m.deleted;

export const edit: ChatCommand = {
  name: 'edit',
  usage: '/edit [^N] TEXT',
  summary: 'replace the text of your last message (or message ^N, 1 = the newest)',
  async run(ctx, args) {
    const { message, rest } = pick(ctx, args, (m) => m.own && alive(m), 'message of yours');
    if (rest === '') throw new UsageError('the new text?');
    await ctx.edit(message.id, rest);
  },
};

export const del: ChatCommand = {
  name: 'delete',
  aliases: ['del'],
  usage: '/delete [^N]',
  summary: 'delete your last message (or message ^N: operators, admins)',
  async run(ctx, args) {
    const { message, rest } = pick(ctx, args, (m) => m.own && alive(m), 'message of yours');
    if (rest !== '') throw new UsageError('only ^N goes after /delete');
    await ctx.deleteMessage(message.id);
    ctx.info(`deleted: ${message.from}'s message`);
  },
};

export const react: ChatCommand = {
  name: 'react',
  usage: '/react [^N] EMOJI',
  summary: 'react to the newest message (or message ^N); again to take it back',
  async run(ctx, args) {
    const { message, rest } = pick(ctx, args, alive, 'message');
    if (rest === '' || /\s/.test(rest)) throw new UsageError('one emoji');
    await ctx.toggleReaction(message.id, rest);
  },
};

export const reply: ChatCommand = {
  name: 'reply',
  usage: '/reply [^N] TEXT',
  summary: 'answer the newest message of someone else (or message ^N), quoting it',
  run(ctx, args) {
    const open = ctx.openConversation();
    const { message, rest } = pick(ctx, args, (m) => !m.own && alive(m), 'message of someone else');
    if (rest === '') throw new UsageError('your answer?');
    if (!open || open.targets.length !== 1) throw new UsageError('a reply goes to a room or one person');
    ctx.reply(open.targets, rest, message.id);
  },
};
