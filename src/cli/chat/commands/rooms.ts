// Room commands: /join, /leave, /rooms, /who, /topic; and /nick, the name one is seen by in them.
import { roomName, splitWords, UsageError } from '../parse.js';
import type { ChatCommand, CommandContext } from './context.js';

/** The room named in the arguments, or else the open one. */
function roomOf(ctx: CommandContext, args: string): string {
  const words = splitWords(args);
  if (words.length > 1) throw new UsageError('one room at a time');
  if (words.length === 1) return roomName(words[0]);
  const open = ctx.openConversation();
  if (open?.kind !== 'room') throw new UsageError('no room is open: name one');
  return open.name;
}

export const join: ChatCommand = {
  name: 'join',
  aliases: ['j'],
  usage: '/join ROOM [KEY]',
  summary: 'join a room (created if it does not exist) and open it; KEY for a room with one',
  async run(ctx, args) {
    const words = splitWords(args);
    if (words.length === 0 || words.length > 2) throw new UsageError(words.length === 0 ? 'which room?' : 'one room at a time');
    if (words.length === 2) await ctx.join(roomName(words[0]), words[1]);
    else await ctx.join(roomName(words[0]));
  },
};

export const leave: ChatCommand = {
  name: 'leave',
  aliases: ['part'],
  usage: '/leave [ROOM]',
  summary: 'leave a room (the open one if none is named)',
  async run(ctx, args) {
    const room = roomOf(ctx, args);
    await ctx.leave(room);
    ctx.info(`left ${room}`);
  },
};

export const rooms: ChatCommand = {
  name: 'rooms',
  aliases: ['list'],
  usage: '/rooms [more]',
  summary: "list the server's rooms, a page at a time (more: the next page)",
  async run(ctx, args) {
    if (args !== '' && args !== 'more') throw new UsageError('no arguments, or "more"');
    const more = args === 'more';
    // The server sends them in the order of their names; a page is a few dozen.
    const page = await ctx.roomPage(more);
    const lines = page.rooms.map((r) => `${r.name}  ${r.members} member${r.members === 1 ? '' : 's'}${r.topic ? `  ${r.topic}` : ''}`);
    if (page.more) lines.push('… more rooms: /rooms more');
    const title = more ? `Rooms, continued (${page.rooms.length})` : page.more ? `Rooms (first ${page.rooms.length})` : `Rooms (${page.rooms.length})`;
    ctx.show(title, lines.length > 0 ? lines : ['(none)']);
  },
};

export const who: ChatCommand = {
  name: 'who',
  aliases: ['names'],
  usage: '/who [ROOM]',
  summary: 'list the members of a room you are in (the open one if none is named)',
  async run(ctx, args) {
    const room = roomOf(ctx, args);
    const members = await ctx.members(room);
    const lines = members.map((m) => `${m.operator ? '@' : ' '}${m.name}${m.online ? '' : '  (offline)'}`);
    ctx.show(`Members of ${room} (${members.length}; @ operator)`, lines.length > 0 ? lines : ['(none)']);
  },
};

export const topic: ChatCommand = {
  name: 'topic',
  usage: '/topic TEXT',
  summary: "set the open room's topic",
  async run(ctx, args) {
    const open = ctx.openConversation();
    if (open?.kind !== 'room') throw new UsageError('open a room first');
    if (args.trim() === '') throw new UsageError('what topic?');
    await ctx.setTopic(open.name, args.trim());
    ctx.info(`topic of ${open.name} set`);
  },
};

export const nick: ChatCommand = {
  name: 'nick',
  usage: '/nick NAME',
  summary: 'take another nickname (guests; an account keeps its name)',
  async run(ctx, args) {
    const words = splitWords(args);
    if (words.length !== 1) throw new UsageError('one new nickname');
    await ctx.rename(words[0]);
  },
};
