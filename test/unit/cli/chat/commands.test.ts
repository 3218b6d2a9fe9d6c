// The slash-command table through runInput, with a context that records what was asked of it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, findCommand, runInput } from '../../../../src/cli/chat/commands/table.js';
import type { CommandContext } from '../../../../src/cli/chat/commands/context.js';
import { newConversation, roomRef, dmRef, type Conversation } from '../../../../src/client/conversations.js';
import type { WireFile } from '../../../../src/client/node.js';
import { clock } from '../../../../src/cli/chat/format.js';

type Call = [string, ...unknown[]];

function fakeContext(open: Conversation | undefined, failWith?: Error): { ctx: CommandContext; calls: Call[] } {
  const calls: Call[] = [];
  const act = async (...call: Call): Promise<void> => {
    calls.push(call);
    if (failWith) throw failWith;
  };
  const file: WireFile = { message: 0, id: 'f1', name: 'notes.txt', size: 1200, type: 'text/plain', sha256: '00' };
  const ctx: CommandContext = {
    openConversation: () => open,
    send: (targets, text) => void calls.push(['send', targets, text]),
    openWith: (targets) => void calls.push(['openWith', targets]),
    retryFailed: (key) => {
      calls.push(['retry', key]);
      return open?.key === key ? open.messages.filter((m) => m.delivery === 'failed').length : 0;
    },
    join: (room) => act('join', room),
    leave: (room) => act('leave', room),
    roomPage: async (more) => {
      await act('roomPage', more);
      return more
        ? { rooms: [{ name: '#c', topic: '', members: 0 }], more: false }
        : { rooms: [{ name: '#a', topic: 'first', members: 2 }, { name: '#b', topic: '', members: 1 }], more: true };
    },
    members: async (room) => {
      await act('members', room);
      return [{ name: 'alice', online: true, operator: true }, { name: 'bob', online: false, operator: false }];
    },
    setTopic: (room, topic) => act('setTopic', room, topic),
    kick: (room, user, reason) => act('kick', room, user, reason),
    ban: (room, user, reason) => act('ban', room, user, reason),
    unban: (room, user) => act('unban', room, user),
    block: (user, blocked) => act('block', user, blocked),
    searchPage: async (query, more) => {
      await act('searchPage', query, more);
      return more
        ? { messages: [], more: false }
        : { messages: [{ id: 2, at: 0, from: 'bob', to: ['#general'], text: 'the  deploy\nworked', cid: '' }, { id: 1, at: 0, from: 'bob', to: ['alice'], text: 'deploy?', cid: '' }], more: true };
    },
    answerConsent: (user, accept) => act('answerConsent', user, accept),
    askConsent: (user) => act('askConsent', user),
    setPolicy: (p) => act('setPolicy', p),
    sendFile: async (path, targets) => {
      await act('sendFile', path, targets);
      return file;
    },
    download: async (ref, path) => {
      await act('download', ref, path);
      return path ?? 'notes.txt';
    },
    show: (title, lines) => void calls.push(['show', title, lines]),
    info: (text) => void calls.push(['info', text]),
    error: (text) => void calls.push(['error', text]),
    quit: () => void calls.push(['quit']),
  };
  return { ctx, calls };
}

const general = newConversation(roomRef('#general'));
const withBob = newConversation(dmRef(['bob'], 'alice'));

/** `open` null: no conversation is open. */
async function run(line: string, open: Conversation | null = general, failWith?: Error): Promise<Call[]> {
  const { ctx, calls } = fakeContext(open ?? undefined, failWith);
  await runInput(line, ctx);
  return calls;
}

describe('the command table', () => {
  it('has one entry per command name and alias', () => {
    const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    assert.equal(new Set(names).size, names.length);
    for (const n of ['join', 'leave', 'rooms', 'who', 'msg', 'topic', 'accept', 'refuse', 'send', 'get', 'quit', 'help']) {
      assert.equal(findCommand(n)?.name, n);
    }
    assert.equal(findCommand('part')?.name, 'leave');
    assert.equal(findCommand('nope'), undefined);
  });
});

describe('runInput', () => {
  it('sends a plain line to the open conversation', async () => {
    assert.deepEqual(await run('hello all'), [['send', ['#general'], 'hello all']]);
    assert.deepEqual(await run('hi', withBob), [['send', ['bob'], 'hi']]);
    assert.deepEqual(await run('//slash'), [['send', ['#general'], '/slash']]);
    assert.deepEqual(await run('   '), []);
  });

  it('says so when nothing is open to send to', async () => {
    assert.deepEqual(await run('hello', null), [['error', 'no conversation is open: /join a room or /msg someone first']]);
  });

  it('reports an unknown command in one line', async () => {
    assert.deepEqual(await run('/frobnicate x'), [['error', 'unknown command /frobnicate: /help lists the commands']]);
    assert.deepEqual(await run('/'), [['error', 'a command name goes after the /: /help lists them']]);
  });

  it('reports bad arguments with the usage', async () => {
    assert.deepEqual(await run('/join'), [['error', 'which room?; usage: /join ROOM']]);
    assert.deepEqual(await run('/join a b'), [['error', 'one room at a time; usage: /join ROOM']]);
    assert.deepEqual(await run('/msg'), [['error', 'to whom?; usage: /msg USER[,USER2...] [TEXT]']]);
    assert.deepEqual(await run('/topic new', withBob), [['error', 'open a room first; usage: /topic TEXT']]);
    assert.deepEqual(await run('/policy maybe'), [['error', 'open or consent?; usage: /policy open|consent']]);
    assert.deepEqual(await run('/send "unclosed'), [['error', 'a quote is not closed; usage: /send PATH [TO[,TO2...]]']]);
    assert.deepEqual(await run('/rooms extra'), [['error', 'no arguments, or "more"; usage: /rooms [more]']]);
  });

  it('reports a failed request as one line naming the command', async () => {
    assert.deepEqual(await run('/join #x', general, new Error('no such room\nand more')), [['join', '#x'], ['error', '/join: no such room']]);
  });

  it('/join and /leave name a room, # optional; /leave defaults to the open room', async () => {
    assert.deepEqual(await run('/join rust'), [['join', '#rust']]);
    assert.deepEqual(await run('/leave'), [['leave', '#general'], ['info', 'left #general']]);
    assert.deepEqual(await run('/leave #rust'), [['leave', '#rust'], ['info', 'left #rust']]);
    assert.deepEqual(await run('/leave', withBob), [['error', 'no room is open: name one; usage: /leave [ROOM]']]);
  });

  it('/msg sends one message to all the users named, and opens their conversation', async () => {
    assert.deepEqual(await run('/msg bob,carol  hi  both'), [['openWith', ['bob', 'carol']], ['send', ['bob', 'carol'], 'hi  both']]);
    assert.deepEqual(await run('/msg bob'), [['openWith', ['bob']]]);
    assert.deepEqual(await run('/msg #general hi'), [['error', 'for rooms, write in the room; usage: /msg USER[,USER2...] [TEXT]']]);
  });

  it('/retry sends the failed messages again and says how many', async () => {
    const failed = { ...withBob, messages: [{ id: 0, cid: 'c1', at: 1, from: 'alice', to: ['bob'], text: 'hi', files: [], own: true, delivery: 'failed' as const, error: 'no' }] };
    assert.deepEqual(await run('/retry', failed), [['retry', 'bob'], ['info', 'sending 1 message again']]);
    assert.deepEqual(await run('/retry', withBob), [['retry', 'bob'], ['info', 'no failed message here to send again']]);
    assert.deepEqual(await run('/retry now'), [['error', 'no arguments; usage: /retry']]);
  });

  it('/rooms and /who show their lists in a panel', async () => {
    const rooms = await run('/rooms');
    assert.deepEqual(rooms, [['roomPage', false], ['show', 'Rooms (first 2)', ['#a  2 members  first', '#b  1 member', '… more rooms: /rooms more']]]);
    const more = await run('/rooms more');
    assert.deepEqual(more, [['roomPage', true], ['show', 'Rooms, continued (1)', ['#c  0 members']]]);
    const who = await run('/who');
    assert.deepEqual(who, [['members', '#general'], ['show', 'Members of #general (2; @ operator)', ['@alice', ' bob  (offline)']]]);
  });

  it('/topic sets the open room\'s topic', async () => {
    assert.deepEqual(await run('/topic Rust and more'), [['setTopic', '#general', 'Rust and more'], ['info', 'topic of #general set']]);
  });

  it('/kick, /ban and /unban act in the open room, with the rest of the line as the reason', async () => {
    assert.deepEqual(await run('/kick mallory  spamming links'), [['kick', '#general', 'mallory', 'spamming links']]);
    assert.deepEqual(await run('/ban mallory'), [['ban', '#general', 'mallory', ''], ['info', 'mallory is banned from #general']]);
    assert.deepEqual(await run('/unban mallory'), [['unban', '#general', 'mallory'], ['info', 'mallory may join #general again']]);
    assert.deepEqual(await run('/kick'), [['error', 'whom?; usage: /kick USER [REASON]']]);
    assert.deepEqual(await run('/block mallory', null), [['block', 'mallory', true], ['info', 'mallory is blocked: nothing of theirs reaches you directly (/unblock mallory to undo)']]);
    assert.deepEqual(await run('/unblock mallory', null), [['block', 'mallory', false], ['info', 'mallory is no longer blocked']]);
    assert.deepEqual(await run('/search deploy', null), [['searchPage', 'deploy', false], ['show', 'Search: deploy', [`${clock(0)} #general  bob: the deploy worked`, `${clock(0)} to alice  bob: deploy?`, '… older results: /search more']]]);
    assert.deepEqual(await run('/search more', null), [['searchPage', '', true], ['show', 'Search, continued', ['(nothing found)']]]);
    assert.deepEqual(await run('/search', null), [['error', 'search for what?; usage: /search WORDS | /search more']]);
    assert.deepEqual(await run('/ban mallory', withBob), [['error', 'open a room first; usage: /ban USER [REASON]']]);
  });

  it('/accept and /refuse answer a consent request', async () => {
    assert.deepEqual(await run('/accept bob'), [['answerConsent', 'bob', true], ['info', 'bob may now send you direct messages']]);
    assert.deepEqual(await run('/refuse bob'), [['answerConsent', 'bob', false], ['info', 'refused direct messages from bob']]);
    assert.deepEqual(await run('/accept'), [['error', 'which user?; usage: /accept USER']]);
  });

  it('/send uploads to the open conversation or to whom it names; /get saves by number or id', async () => {
    assert.deepEqual(await run('/send ./notes.txt'), [['sendFile', './notes.txt', ['#general']], ['info', 'sent notes.txt (1.2 kB)']]);
    assert.deepEqual(await run('/send "my notes.txt" bob,carol'), [['sendFile', 'my notes.txt', ['bob', 'carol']], ['info', 'sent notes.txt (1.2 kB)']]);
    assert.deepEqual(await run('/send x.txt', null), [['error', 'no conversation is open: name who gets it; usage: /send PATH [TO[,TO2...]]']]);
    assert.deepEqual(await run('/get 3'), [['download', '3', undefined], ['info', 'saved notes.txt']]);
    assert.deepEqual(await run('/get f1 /tmp/x'), [['download', 'f1', '/tmp/x'], ['info', 'saved /tmp/x']]);
  });

  it('/help lists every command; /quit quits', async () => {
    const [[kind, title, lines]] = (await run('/help')) as [[string, string, string[]]];
    assert.equal(kind, 'show');
    assert.equal(title, 'Commands');
    for (const c of COMMANDS) assert.ok(lines.some((l) => l.startsWith(c.usage)), c.usage);
    assert.deepEqual(await run('/quit'), [['quit']]);
    assert.deepEqual(await run('/EXIT'), [['quit']]);
  });
});
