// Consent to direct messages: /accept and /refuse answer a request; /ask makes one; /policy
// says whether strangers need to ask first.
import { splitWords, UsageError } from '../parse.js';
import type { ChatCommand } from './context.js';

function oneUser(args: string): string {
  const words = splitWords(args);
  if (words.length !== 1) throw new UsageError(words.length === 0 ? 'which user?' : 'one user at a time');
  return words[0];
}

export const accept: ChatCommand = {
  name: 'accept',
  usage: '/accept USER',
  summary: 'let USER send you direct messages (answers their request)',
  async run(ctx, args) {
    const user = oneUser(args);
    await ctx.answerConsent(user, true);
    ctx.info(`${user} may now send you direct messages`);
  },
};

export const refuse: ChatCommand = {
  name: 'refuse',
  aliases: ['deny'],
  usage: '/refuse USER',
  summary: "refuse USER's request to send you direct messages",
  async run(ctx, args) {
    const user = oneUser(args);
    await ctx.answerConsent(user, false);
    ctx.info(`refused direct messages from ${user}`);
  },
};

export const ask: ChatCommand = {
  name: 'ask',
  usage: '/ask USER',
  summary: 'ask USER for consent to send them direct messages',
  async run(ctx, args) {
    const user = oneUser(args);
    await ctx.askConsent(user);
    ctx.info(`asked ${user} for consent`);
  },
};

export const policy: ChatCommand = {
  name: 'policy',
  usage: '/policy open|consent',
  summary: 'who may send you direct messages: anyone (open), or only those you accepted (consent)',
  async run(ctx, args) {
    const word = args.trim().toLowerCase();
    if (word !== 'open' && word !== 'consent') throw new UsageError('open or consent?');
    await ctx.setPolicy(word);
    ctx.info(word === 'open' ? 'anyone may send you direct messages' : 'direct messages now need your consent');
  },
};
