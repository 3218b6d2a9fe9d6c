// The slash commands by name, and what a line typed into the input does: a message to the open
// conversation, or the command it names. Every failure ends as one line in the notice bar.
import { describeError } from '../errors.js';
import { parseLine, UsageError } from '../parse.js';
import { accept, ask, policy, refuse } from './consent.js';
import type { ChatCommand, CommandContext } from './context.js';
import { get, send } from './files.js';
import { msg, retry } from './messages.js';
import { join, leave, nick, rooms, topic, who } from './rooms.js';
import { ban, block, kick, unban, unblock } from './moderation.js';
import { del, edit, react, reply } from './edits.js';
import { ROOM_ADMIN_COMMANDS } from './room-admin.js';
import { search } from './search.js';

const help: ChatCommand = {
  name: 'help',
  aliases: ['?'],
  usage: '/help',
  summary: 'list the commands and keys',
  run(ctx) {
    const width = Math.max(...COMMANDS.map((c) => c.usage.length));
    ctx.show('Commands', [
      ...COMMANDS.map((c) => `${c.usage.padEnd(width)}  ${c.summary}`),
      '',
      'Keys:',
      '  Enter              send the line (a message, or a command)',
      '  Ctrl-N / Ctrl-P    next / previous conversation',
      '  Alt-1 .. Alt-9     the conversation with that number',
      '  PageUp / PageDown  scroll; past the top fetches older history',
      '  Ctrl-T             show or hide the member list',
      '  Up / Down          recall earlier lines',
      '  Esc                close this panel, or clear the notice',
      '  Ctrl-C             quit',
      'A line starting with // sends a message that starts with /.',
    ]);
  },
};

const quit: ChatCommand = {
  name: 'quit',
  aliases: ['exit', 'q'],
  usage: '/quit',
  summary: 'leave the chat (says goodbye to the server)',
  run(ctx) {
    ctx.quit();
  },
};

export const COMMANDS: readonly ChatCommand[] = [
  join, leave, rooms, who, topic, nick, kick, ban, unban, ...ROOM_ADMIN_COMMANDS, block, unblock, msg, reply, edit, del, react, retry, search, accept, refuse, ask, policy, send, get, help, quit,
];

export function findCommand(name: string, table: readonly ChatCommand[] = COMMANDS): ChatCommand | undefined {
  return table.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Does what a line typed into the input says. Never throws: failures become ctx.error. */
export async function runInput(line: string, ctx: CommandContext, table: readonly ChatCommand[] = COMMANDS): Promise<void> {
  const input = parseLine(line);
  if (input.kind === 'empty') return;
  if (input.kind === 'say') {
    const open = ctx.openConversation();
    if (!open) ctx.error('no conversation is open: /join a room or /msg someone first');
    else ctx.send(open.targets, input.text);
    return;
  }
  const command = findCommand(input.name, table);
  if (!command) {
    ctx.error(input.name === '' ? 'a command name goes after the /: /help lists them' : `unknown command /${input.name}: /help lists the commands`);
    return;
  }
  try {
    await command.run(ctx, input.args);
  } catch (err) {
    if (err instanceof UsageError) ctx.error(`${err.message ? `${err.message}; ` : ''}usage: ${command.usage}`);
    else ctx.error(`/${command.name}: ${describeError(err)}`);
  }
}
