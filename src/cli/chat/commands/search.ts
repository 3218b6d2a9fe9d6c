// /search: the messages one may read that hold some words, newest first, a page at a time.
import { UsageError } from '../parse.js';
import { clock } from '../format.js';
import type { ChatCommand } from './context.js';

export const search: ChatCommand = {
  name: 'search',
  aliases: ['find'],
  usage: '/search WORDS | /search more',
  summary: 'find messages of your rooms and direct conversations holding every word, newest first',
  async run(ctx, args) {
    const query = args.trim();
    if (query === '') throw new UsageError('search for what?');
    const more = query === 'more';
    const page = await ctx.searchPage(more ? '' : query, more);
    const lines = page.messages.map((m) => {
      const where = m.to.length === 1 && m.to[0].startsWith('#') ? m.to[0] : `to ${m.to.join(', ')}`;
      return `${clock(m.at)} ${where}  ${m.from}: ${m.text.replace(/\s+/g, ' ')}`;
    });
    if (page.more) lines.push('… older results: /search more');
    ctx.show(more ? 'Search, continued' : `Search: ${query}`, lines.length > 0 ? lines : ['(nothing found)']);
  },
};
