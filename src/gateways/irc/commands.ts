import type { Command } from './context.js';
import { channels } from './commands/channels.js';
import { chathistory } from './commands/chathistory.js';
import { messages } from './commands/messages.js';
import { mode } from './commands/mode.js';
import { queries } from './commands/queries.js';
import { registration } from './commands/registration.js';
import { server } from './commands/server.js';
import { who } from './commands/who.js';

/**
 * Every command the gateway knows (docs/irc.md §6), by its upper-case name: arity and
 * registration are checked before the handler runs (irc-connection.ts dispatch). A command not
 * here is 421 ERR_UNKNOWNCOMMAND (451 before registration).
 */
export const commands: Readonly<Record<string, Command>> = {
  ...registration,
  ...channels,
  ...messages,
  ...queries,
  ...mode,
  ...chathistory,
  ...server,
  ...who,
};
