// /op /deop /voice /devoice /mute /unmute /invite /set (/mode) /bans /close /reopen /audit: room
// roles and settings and the audit log (docs/protocol.md §7.17, §7.18) in the open room. Whether
// the user may is the server's to say: the commands only pass the request on.
import type { RoomSettings, RoomSettingsInput, WireAudit, WireBan, WireRole } from '../../../client/node.js';
import { UsageError } from '../parse.js';
import type { ChatCommand, CommandContext } from './context.js';

/** What the commands need of the client (ChatClient has it all). */
export interface RoomAdminActions {
  setRole(room: string, user: string, role: WireRole): Promise<void>;
  roomSettings(room: string): Promise<RoomSettings>;
  setRoomSettings(room: string, settings: RoomSettingsInput): Promise<void>;
  invite(room: string, user: string): Promise<void>;
  mute(room: string, user: string, seconds: number, reason?: string): Promise<void>;
  bans(room: string): Promise<WireBan[]>;
  closeRoom(room: string, closed?: boolean, reason?: string): Promise<void>;
  audit(options?: { room?: string; before?: number; limit?: number }): Promise<WireAudit[]>;
}

function openRoom(ctx: CommandContext): string {
  const open = ctx.openConversation();
  if (open?.kind !== 'room') throw new UsageError('open a room first');
  return open.name;
}

function words(args: string): string[] {
  return args.trim().split(/\s+/).filter((w) => w !== '');
}

function role(name: string, granted: WireRole, said: string, summary: string): ChatCommand {
  return {
    name,
    usage: `/${name} USER`,
    summary,
    async run(ctx, args) {
      const room = openRoom(ctx);
      const [user] = words(args);
      if (user === undefined) throw new UsageError('whom?');
      await ctx.roomAdmin().setRole(room, user, granted);
      ctx.info(`${user} ${said} in ${room}`);
    },
  };
}

export const op = role('op', 'operator', 'is an operator', 'make a member an operator (the owner, admins)');
export const deop = role('deop', 'member', 'is no longer an operator', 'take operator from a member (the owner, admins)');
export const voice = role('voice', 'voiced', 'may speak when the room is moderated', 'give a member voice (operators)');
export const devoice = role('devoice', 'member', 'has no voice any more', 'take voice from a member (operators)');

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90", "90s", "10m", "2h", "1d": seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,7})([smhd]?)$/.exec(text);
  if (!m) throw new UsageError(`not a duration: ${text} (say 90s, 10m, 2h or 1d)`);
  return Number(m[1]) * UNITS[m[2] || 's'];
}

export const mute: ChatCommand = {
  name: 'mute',
  usage: '/mute USER DURATION [REASON]',
  summary: 'keep a user from writing in the open room for a while, e.g. 10m (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const [user, duration, ...reason] = words(args);
    if (user === undefined || duration === undefined) throw new UsageError('whom, and for how long?');
    const seconds = parseDuration(duration);
    if (seconds === 0) throw new UsageError('a mute lasts a while: /unmute lifts one');
    await ctx.roomAdmin().mute(room, user, seconds, reason.join(' '));
    ctx.info(`${user} is muted in ${room} for ${duration}`);
  },
};

export const unmute: ChatCommand = {
  name: 'unmute',
  usage: '/unmute USER',
  summary: 'lift a mute in the open room (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const [user] = words(args);
    if (user === undefined) throw new UsageError('whom?');
    await ctx.roomAdmin().mute(room, user, 0);
    ctx.info(`${user} may write in ${room} again`);
  },
};

export const invite: ChatCommand = {
  name: 'invite',
  usage: '/invite USER',
  summary: 'let a user into the open invite-only room, once (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const [user] = words(args);
    if (user === undefined) throw new UsageError('whom?');
    await ctx.roomAdmin().invite(room, user);
    ctx.info(`${user} is invited to ${room}`);
  },
};

const FLAGS = { invite: 'inviteOnly', moderated: 'moderated', secret: 'secret', 'topic-lock': 'topicLocked', 'members-only': 'membersOnly' } as const;

function describe(s: RoomSettings): string[] {
  const yes = (b: boolean) => (b ? 'on' : 'off');
  return [
    `invite        ${yes(s.inviteOnly)}`,
    `key           ${s.keyed ? (s.key === '' ? 'set' : s.key) : 'off'}`,
    `limit         ${s.limit === 0 ? 'none' : s.limit}`,
    `moderated     ${yes(s.moderated)}`,
    `secret        ${yes(s.secret)}`,
    `topic-lock    ${yes(s.topicLocked)}`,
    `members-only  ${yes(s.membersOnly)}`,
    ...(s.closed ? ['closed        on'] : []),
  ];
}

export const set: ChatCommand = {
  name: 'set',
  aliases: ['mode'],
  usage: '/set [SETTING VALUE]',
  summary: 'show the open room\'s settings, or change one: invite|moderated|secret|topic-lock|members-only on|off, key KEY|off, limit N (operators)',
  async run(ctx, args) {
    const room = openRoom(ctx);
    const admin = ctx.roomAdmin();
    const current = await admin.roomSettings(room);
    const [name, value, ...rest] = words(args);
    if (name === undefined) return ctx.show(`Settings of ${room}`, describe(current));
    if (value === undefined || rest.length > 0) throw new UsageError(`one setting and its value`);
    const next: RoomSettingsInput = { ...current, key: undefined };
    if (name === 'key') next.key = value === 'off' ? '' : value;
    else if (name === 'limit') {
      if (!/^\d{1,6}$/.test(value)) throw new UsageError('a limit is a number (0 for none)');
      next.limit = Number(value);
    } else if (name in FLAGS) {
      if (value !== 'on' && value !== 'off') throw new UsageError(`say on or off, not ${value}`);
      next[FLAGS[name as keyof typeof FLAGS]] = value === 'on';
    } else throw new UsageError(`no setting ${name}`);
    await admin.setRoomSettings(room, next);
    ctx.info(`${name} of ${room} is ${name === 'key' && value !== 'off' ? 'set' : value}`);
  },
};

export const bans: ChatCommand = {
  name: 'bans',
  usage: '/bans',
  summary: 'list the bans of the open room (operators)',
  async run(ctx) {
    const room = openRoom(ctx);
    const list = await ctx.roomAdmin().bans(room);
    ctx.show(`Bans of ${room} (${list.length})`, list.map((b) => `${b.target}  by ${b.by}, ${new Date(b.at).toISOString()}${b.reason === '' ? '' : `: ${b.reason}`}`));
  },
};

function closing(name: string, closed: boolean, summary: string): ChatCommand {
  return {
    name,
    usage: `/${name} [REASON]`,
    summary,
    async run(ctx, args) {
      const room = openRoom(ctx);
      await ctx.roomAdmin().closeRoom(room, closed, args.trim());
      ctx.info(`${room} is ${closed ? 'closed' : 'open again'}`);
    },
  };
}

export const close = closing('close', true, 'close the open room: everyone is removed, nobody joins (server admins)');
export const reopen = closing('reopen', false, 'open a closed room again (server admins)');

export const audit: ChatCommand = {
  name: 'audit',
  usage: '/audit [ROOM]',
  summary: 'the latest moderation actions, of one room or all (server admins)',
  async run(ctx, args) {
    const [room = ''] = words(args);
    const records = await ctx.roomAdmin().audit({ room, limit: 100 });
    ctx.show(`Audit log${room === '' ? '' : ` of ${room}`}`, records.map((r) =>
      `${new Date(r.at).toISOString()}  ${r.actor} ${r.action}${r.room === '' ? '' : ` ${r.room}`}${r.target === '' ? '' : ` ${r.target}`}${r.detail === '' ? '' : `: ${r.detail}`}`));
  },
};

export const ROOM_ADMIN_COMMANDS: readonly ChatCommand[] = [op, deop, voice, devoice, mute, unmute, invite, set, bans, close, reopen, audit];
