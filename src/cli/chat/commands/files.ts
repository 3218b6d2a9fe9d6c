// Files: /send uploads one to the open conversation (or to whom it names), /get saves one.
import { byteSize } from '../format.js';
import { parseRecipients, splitWords, UsageError } from '../parse.js';
import type { ChatCommand } from './context.js';

export const send: ChatCommand = {
  name: 'send',
  aliases: ['upload'],
  usage: '/send PATH [TO[,TO2...]]',
  summary: 'upload a file to the open conversation, or to the rooms or users named',
  async run(ctx, args) {
    const words = splitWords(args);
    if (words.length === 0 || words.length > 2) throw new UsageError(words.length === 0 ? 'which file?' : 'quote a path with spaces');
    const [path, list] = words;
    let to: readonly string[];
    if (list !== undefined) {
      to = parseRecipients(list);
      if (to.length === 0) throw new UsageError('to whom?');
    } else {
      const open = ctx.openConversation();
      if (!open) throw new UsageError('no conversation is open: name who gets it');
      to = open.targets;
    }
    const file = await ctx.sendFile(path, to);
    ctx.info(`sent ${file.name} (${byteSize(file.size)})`);
  },
};

export const get: ChatCommand = {
  name: 'get',
  aliases: ['download'],
  usage: '/get FILE [PATH]',
  summary: 'save a file, by its number on screen ([file N]) or its id, to PATH or the current directory',
  async run(ctx, args) {
    const words = splitWords(args);
    if (words.length === 0 || words.length > 2) throw new UsageError(words.length === 0 ? 'which file?' : 'quote a path with spaces');
    const saved = await ctx.download(words[0], words[1]);
    ctx.info(`saved ${saved}`);
  },
};
