// /kick, /ban, /unban: room moderation (docs/protocol.md §7.12) in the open room. Whether the
// user may is the server's to say: the commands only pass the request on.
import { UsageError } from '../parse.js';
import type { ChatCommand, CommandContext } from './context.js';

/** The open room, or a usage error. */
function openRoom(ctx: CommandContext): string {
  const open = ctx.openConversation();
  if (open?.kind !== 'room') throw new UsageError('open a room first');
  return open.name;
}

/** "USER rest of the line": the user and the reason. */
function userAndReason(args: string): { user: string; reason: string } {
  const [user = '', ...rest] = args.trim().split(/\s+/);
  if (user === '') throw new UsageError('whom?');
  return { user, reason: rest.join(' ') };
}

export const kick: ChatCommand = {
  name: 'kick',
  usage: '/kick USER [REASON]',
  summary: 'remove a member from the open room (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const { user, reason } = userAndReason(args);
    await ctx.kick(room, user, reason);
  },
};

export const ban: ChatCommand = {
  name: 'ban',
  usage: '/ban USER [REASON]',
  summary: 'keep a user (or a guest nickname) out of the open room, removing them (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const { user, reason } = userAndReason(args);
    await ctx.ban(room, user, reason);
    ctx.info(`${user} is banned from ${room}`);
  },
};

export const block: ChatCommand = {
  name: 'block',
  usage: '/block USER',
  summary: 'no more direct messages, requests or typing from a user',
  async run(ctx, args) {
    const { user } = userAndReason(args);
    await ctx.block(user, true);
    ctx.info(`${user} is blocked: nothing of theirs reaches you directly (/unblock ${user} to undo)`);
  },
};

export const unblock: ChatCommand = {
  name: 'unblock',
  usage: '/unblock USER',
  summary: 'let a blocked user write to you again',
  async run(ctx, args) {
    const { user } = userAndReason(args);
    await ctx.block(user, false);
    ctx.info(`${user} is no longer blocked`);
  },
};

export const unban: ChatCommand = {
  name: 'unban',
  usage: '/unban USER',
  summary: 'lift a ban in the open room (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const { user } = userAndReason(args);
    await ctx.unban(room, user);
    ctx.info(`${user} may join ${room} again`);
  },
};
