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
    join: (room, key) => (key === undefined ? act('join', room) : act('join', room, key)),
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
    rename: (name) => act('rename', name),
    kick: (room, user, reason) => act('kick', room, user, reason),
    ban: (room, user, reason) => act('ban', room, user, reason),
    unban: (room, user) => act('unban', room, user),
    roomAdmin: () => ({
      setRole: (room, user, role) => act('setRole', room, user, role),
      roomSettings: async (room) => {
        await act('roomSettings', room);
        return { inviteOnly: false, keyed: true, key: 'sesame', limit: 0, moderated: true, secret: false, topicLocked: true, membersOnly: true, closed: false };
      },
      setRoomSettings: (room, s) => act('setRoomSettings', room, s),
      invite: (room, user) => act('invite', room, user),
      mute: (room, user, seconds, reason) => act('mute', room, user, seconds, reason),
      bans: async (room) => {
        await act('bans', room);
        return [{ target: 'troll*', by: 'alice', reason: 'spam', at: Date.UTC(2026, 0, 1) }];
      },
      closeRoom: (room, closed, reason) => act('closeRoom', room, closed, reason),
      audit: async (o) => {
        await act('audit', o);
        return [{ id: 2, at: Date.UTC(2026, 0, 1), actor: 'ada', action: 'close', room: '#den', target: '', detail: 'spam' }];
      },
    }),
    block: (user, blocked) => act('block', user, blocked),
    edit: (id, text) => act('edit', id, text),
    deleteMessage: (id) => act('deleteMessage', id),
    toggleReaction: (id, emoji) => act('react', id, emoji),
    reply: (targets, text, replyTo) => void calls.push(['reply', targets, text, replyTo]),
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
    assert.deepEqual(await run('/join'), [['error', 'which room?; usage: /join ROOM [KEY]']]);
    assert.deepEqual(await run('/join a b c'), [['error', 'one room at a time; usage: /join ROOM [KEY]']]);
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

  it('/nick asks for one new nickname (the rename event tells the rest)', async () => {
    assert.deepEqual(await run('/nick newname'), [['rename', 'newname']]);
    assert.deepEqual(await run('/nick'), [['error', 'one new nickname; usage: /nick NAME']]);
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

  it('/edit, /delete, /react and /reply name a message by ^N (1 = the newest), else the one meant most likely', async () => {
    const m = (id: number, from: string, own: boolean, deleted = false) => ({
      id, cid: '', at: id, from, to: ['#general'], text: `t${id}`, files: [], own, ...(deleted ? { deleted: { by: from, at: 0 } } : {}),
    });
    const room: Conversation = { ...general, messages: [m(1, 'alice', true), m(2, 'bob', false), m(3, 'alice', true, true), m(4, 'bob', false), { ...m(0, 'alice', true), cid: 'c' }] };
    assert.deepEqual(await run('/edit fixed text', room), [['edit', 1, 'fixed text']], 'one\'s last message not deleted');
    assert.deepEqual(await run('/edit ^3 other', room), [['edit', 2, 'other']]);
    assert.deepEqual(await run('/edit ^9 x', room), [['error', 'no message ^9 here; usage: /edit [^N] TEXT']]);
    assert.deepEqual(await run('/edit ^1', room), [['error', 'the new text?; usage: /edit [^N] TEXT']]);
    assert.deepEqual(await run('/delete', room), [['deleteMessage', 1], ['info', 'deleted: alice\'s message']]);
    assert.deepEqual(await run('/del ^1', room), [['deleteMessage', 4], ['info', 'deleted: bob\'s message']]);
    assert.deepEqual(await run('/react 👍', room), [['react', 4, '👍']]);
    assert.deepEqual(await run('/react ^4 🎉', room), [['react', 1, '🎉']]);
    assert.deepEqual(await run('/react two words', room), [['error', 'one emoji; usage: /react [^N] EMOJI']]);
    assert.deepEqual(await run('/reply sounds good', room), [['reply', ['#general'], 'sounds good', 4]]);
    assert.deepEqual(await run('/reply ^3 to you', room), [['reply', ['#general'], 'to you', 2]]);
    assert.deepEqual(await run('/edit x', general), [['error', 'no message of yours here; usage: /edit [^N] TEXT']]);
    assert.deepEqual(await run('/react 👍', null), [['error', 'open a conversation first; usage: /react [^N] EMOJI']]);
  });

  it('/op, /deop, /voice, /devoice, /mute, /unmute and /invite act in the open room (protocol.md §7.17)', async () => {
    assert.deepEqual(await run('/op bob'), [['setRole', '#general', 'bob', 'operator'], ['info', 'bob is an operator in #general']]);
    assert.deepEqual(await run('/deop bob'), [['setRole', '#general', 'bob', 'member'], ['info', 'bob is no longer an operator in #general']]);
    assert.deepEqual(await run('/voice bob'), [['setRole', '#general', 'bob', 'voiced'], ['info', 'bob may speak when the room is moderated in #general']]);
    assert.deepEqual((await run('/devoice bob'))[0], ['setRole', '#general', 'bob', 'member']);
    assert.deepEqual(await run('/mute bob 10m  too loud'), [['mute', '#general', 'bob', 600, 'too loud'], ['info', 'bob is muted in #general for 10m']]);
    assert.deepEqual((await run('/mute bob 2h'))[0], ['mute', '#general', 'bob', 7200, '']);
    assert.deepEqual(await run('/mute bob soon'), [['error', 'not a duration: soon (say 90s, 10m, 2h or 1d); usage: /mute USER DURATION [REASON]']]);
    assert.deepEqual(await run('/mute bob'), [['error', 'whom, and for how long?; usage: /mute USER DURATION [REASON]']]);
    assert.deepEqual(await run('/unmute bob'), [['mute', '#general', 'bob', 0, undefined], ['info', 'bob may write in #general again']]);
    assert.deepEqual(await run('/invite carol'), [['invite', '#general', 'carol'], ['info', 'carol is invited to #general']]);
    assert.deepEqual(await run('/op bob', withBob), [['error', 'open a room first; usage: /op USER']]);
    assert.deepEqual(await run('/join #vault sesame'), [['join', '#vault', 'sesame']]);
  });

  it('/set shows or changes one setting, keeping the key unless it is the one changed; /bans, /close, /reopen, /audit', async () => {
    const shown = await run('/set');
    assert.deepEqual(shown[1], ['show', 'Settings of #general', [
      'invite        off', 'key           sesame', 'limit         none', 'moderated     on', 'secret        off', 'topic-lock    on', 'members-only  on',
    ]]);
    const base = { inviteOnly: false, keyed: true, limit: 0, moderated: true, secret: false, topicLocked: true, membersOnly: true, closed: false };
    assert.deepEqual((await run('/mode moderated off'))[1], ['setRoomSettings', '#general', { ...base, key: undefined, moderated: false }]);
    assert.deepEqual((await run('/set key hunter2'))[1], ['setRoomSettings', '#general', { ...base, key: 'hunter2' }]);
    assert.deepEqual((await run('/set key off'))[1], ['setRoomSettings', '#general', { ...base, key: '' }]);
    assert.deepEqual((await run('/set limit 20'))[1], ['setRoomSettings', '#general', { ...base, key: undefined, limit: 20 }]);
    assert.deepEqual((await run('/set colour blue'))[1], ['error', 'no setting colour; usage: /set [SETTING VALUE]']);
    assert.deepEqual((await run('/set secret maybe'))[1], ['error', 'say on or off, not maybe; usage: /set [SETTING VALUE]']);
    assert.deepEqual(await run('/bans'), [['bans', '#general'], ['show', 'Bans of #general (1)', ['troll*  by alice, 2026-01-01T00:00:00.000Z: spam']]]);
    assert.deepEqual(await run('/close abandoned'), [['closeRoom', '#general', true, 'abandoned'], ['info', '#general is closed']]);
    assert.deepEqual(await run('/reopen'), [['closeRoom', '#general', false, ''], ['info', '#general is open again']]);
    assert.deepEqual(await run('/audit #den', null), [['audit', { room: '#den', limit: 100 }], ['show', 'Audit log of #den', ['2026-01-01T00:00:00.000Z  ada close #den: spam']]]);
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
