// What a line typed into the input means: a message for the open conversation, or a slash
// command with its argument text. Pure, so the rules are tested without a terminal.

export type InputLine =
  | { kind: 'empty' }
  | { kind: 'say'; text: string }
  | { kind: 'command'; name: string; args: string };

/**
 * '/name args' is a command (the name is case-insensitive); '//text' sends '/text' as a message,
 * so a message may still begin with a slash. Anything else is a message; a blank line is nothing.
 */
export function parseLine(line: string): InputLine {
  if (line.trim() === '') return { kind: 'empty' };
  if (line.startsWith('//')) return { kind: 'say', text: line.slice(1) };
  if (!line.startsWith('/')) return { kind: 'say', text: line };
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line) as RegExpExecArray;
  return { kind: 'command', name: match[1].toLowerCase(), args: match[2].trimEnd() };
}

/** A command's arguments that do not fit; the message is shown to the user as it is. */
export class UsageError extends Error {}

/**
 * Splits argument text into words at white space; "double quotes" keep spaces in a word (for
 * file names) and a backslash takes the next character as it is.
 */
export function splitWords(args: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if (ch === '\\' && i + 1 < args.length) {
      word += args[++i];
      inWord = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quoted) throw new UsageError('a quote is not closed');
  if (inWord) words.push(word);
  return words;
}

/** The first word and the rest of the text after it (the rest keeps its spacing). */
export function firstWord(args: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(args.trim());
  return match ? [match[1], match[2]] : ['', ''];
}

/** 'bob,carol' or 'bob, carol' -> ['bob', 'carol'] (empty entries and repeats dropped). */
export function parseRecipients(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(',')) {
    const name = raw.trim();
    if (name !== '' && !out.some((n) => n.toLowerCase() === name.toLowerCase())) out.push(name);
  }
  return out;
}

/** A room name as typed: '#' is optional ('/join general' joins #general). */
export function roomName(word: string): string {
  return word.startsWith('#') ? word : `#${word}`;
}
