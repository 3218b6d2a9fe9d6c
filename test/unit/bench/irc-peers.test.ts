import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IRC_NUMERIC_BASE, privmsgLine, readIrcLine, registrationLines } from '../../../bench/clients/irc-lines.js';
import { peerLabel } from '../../../bench/clients/types.js';
import { parsePeers, UsageError } from '../../../bench/options.js';
import { formatPayload, parsePayload } from '../../../bench/payload.js';
import { CONFIG_FILE, ircdCommand, ircdConfig, IRCD_SENDQ_BYTES, NGIRCD_OPER } from '../../../bench/servers/ircd-config.js';

const setup = { dir: '/tmp/confab-bench-x1', host: '127.0.0.1', port: 40123 };

describe('bench IRC peers: the command line', () => {
  it('takes confab:irc as confab\'s IRC gateway beside ngircd and inspircd, once each', () => {
    const peers = parsePeers('confab:irc,ngircd,inspircd,confab:irc', 'ws');
    assert.deepEqual(peers, [{ peer: 'irc', transport: 'tcp' }, { peer: 'ngircd', transport: 'tcp' }, { peer: 'inspircd', transport: 'tcp' }]);
    assert.deepEqual(peers.map(peerLabel), ['confab:irc', 'ngircd', 'inspircd']);
  });

  it('refuses another transport for the IRC servers, and unknown names', () => {
    assert.throws(() => parsePeers('ngircd:ws', 'ws'), UsageError);
    assert.throws(() => parsePeers('confab:irc:tls', 'ws'), UsageError);
    assert.throws(() => parsePeers('unrealircd', 'ws'), UsageError);
  });
});

describe('bench IRC peers: generated server configurations', () => {
  it('ngircd: loopback, the port, no per-address or total limits, no lookups, an operator for +F', () => {
    const text = ircdConfig('ngircd', setup);
    for (const line of ['Listen = 127.0.0.1', 'Ports = 40123', 'MaxConnections = 0', 'MaxConnectionsIP = 0', 'MaxJoins = 0', 'DNS = no', 'Ident = no', 'PAM = no',
      `PidFile = ${setup.dir}/ngircd.pid`, '[Operator]', `Name = ${NGIRCD_OPER.name}`, `Password = ${NGIRCD_OPER.password}`]) {
      assert.ok(text.includes(`\t${line}\n`) || text.includes(`${line}\n`), `missing: ${line}`);
    }
    assert.equal(NGIRCD_OPER.modes, '+F');
  });

  it('InspIRCd: one connect class with threshold, commandrate, fakelag, sendq and recvq lifted', () => {
    const text = ircdConfig('inspircd', setup);
    assert.match(text, /<bind address="127\.0\.0\.1" port="40123" type="clients">/);
    const connect = /<connect [^>]*>/.exec(text)?.[0] ?? '';
    const attr = (name: string): string | undefined => new RegExp(` ${name}="([^"]*)"`).exec(connect)?.[1];
    assert.equal(attr('allow'), '*');
    assert.equal(attr('fakelag'), 'no');
    assert.ok(Number(attr('threshold')) >= 1_000_000);
    // commandrate is in thousandths of a command per second.
    assert.ok(Number(attr('commandrate')) >= 1_000_000_000);
    for (const q of ['hardsendq', 'softsendq', 'recvq']) assert.equal(Number(attr(q)), IRCD_SENDQ_BYTES);
    for (const l of ['localmax', 'globalmax', 'limit']) assert.ok(Number(attr(l)) >= 1_000_000, l);
    assert.equal(attr('useident'), 'no');
    assert.equal(attr('resolvehostnames'), 'no');
    // Every file the server writes stays in the private directory.
    assert.match(text, new RegExp(`<path configdir="${setup.dir}" datadir="${setup.dir}" logdir="${setup.dir}"`));
    assert.match(text, new RegExp(`target="${setup.dir}/inspircd.log"`));
  });

  it('runs each program in the foreground on the generated file', () => {
    assert.deepEqual(ircdCommand('ngircd', setup), { program: '/usr/sbin/ngircd', args: ['--nodaemon', '--config', `${setup.dir}/${CONFIG_FILE.ngircd}`] });
    const insp = ircdCommand('inspircd', setup);
    assert.equal(insp.program, '/usr/sbin/inspircd');
    assert.deepEqual(insp.args.slice(0, 4), ['--config', `${setup.dir}/${CONFIG_FILE.inspircd}`, '--nofork', '--nopid']);
  });

  it('refuses values that would break out of the file\'s syntax', () => {
    assert.throws(() => ircdConfig('inspircd', { ...setup, dir: '/tmp/a" port="1' }));
    assert.throws(() => ircdConfig('ngircd', { ...setup, dir: '/tmp/a\n[Operator]' }));
    assert.throws(() => ircdConfig('ngircd', { ...setup, host: 'localhost' }));
    assert.throws(() => ircdConfig('ngircd', { ...setup, port: 70000 }));
  });
});

describe('bench IRC peers: what the client makes of the server\'s lines', () => {
  it('a PRIVMSG to the channel carries the stamped payload unchanged, so latency is measurable', () => {
    const stamp = { sender: 3, seq: 41, intended: 1_765_000_000_123.456 };
    const sent = privmsgLine('#bench', formatPayload(stamp, 64));
    assert.ok(sent.endsWith('\r\n'));
    // As a server relays it: with the sender's prefix, without the line ending.
    const relayed = `:bench7!bench7@127.0.0.1 ${sent.slice(0, -2)}`;
    const event = readIrcLine(relayed);
    assert.equal(event.kind, 'message');
    assert.ok(event.kind === 'message');
    assert.equal(event.channel, '#bench');
    assert.deepEqual(parsePayload(event.text), stamp);
    // With IRCv3 tags in front (confab's gateway may send them), the same.
    const tagged = readIrcLine(`@time=2026-01-01T00:00:00.000Z ${relayed}`);
    assert.ok(tagged.kind === 'message');
    assert.deepEqual(parsePayload(tagged.text), stamp);
  });

  it('tells registration, OPER, the end of NAMES, PING and refusals apart', () => {
    assert.deepEqual(readIrcLine(':bench.ngircd 001 bench0 :Welcome'), { kind: 'welcome' });
    assert.deepEqual(readIrcLine(':bench.ngircd 381 bench0 :You are now an IRC Operator'), { kind: 'oper' });
    assert.deepEqual(readIrcLine(':s 366 bench0 #bench :End of NAMES list'), { kind: 'joined', channel: '#bench' });
    assert.deepEqual(readIrcLine('PING :bench.inspircd'), { kind: 'ping', token: 'bench.inspircd' });
    assert.deepEqual(readIrcLine(':s 404 bench0 #bench :Cannot send to channel'), { kind: 'refused', numeric: 404 });
    assert.deepEqual(readIrcLine(':s 433 * bench0 :Nickname already in use'), { kind: 'refused', numeric: 433 });
    assert.deepEqual(readIrcLine('ERROR :Closing link (Excess Flood)'), { kind: 'closing', reason: 'Closing link (Excess Flood)' });
  });

  it('is not fooled by lines that are not bench messages', () => {
    // No MOTD is information, not a refusal.
    assert.deepEqual(readIrcLine(':s 422 bench0 :MOTD File is missing'), { kind: 'other' });
    assert.deepEqual(readIrcLine(':s 353 bench0 = #bench :bench0 bench1'), { kind: 'other' });
    assert.deepEqual(readIrcLine(''), { kind: 'other' });
    // A notice or a private message is not counted; a channel message that is not stamped is stray.
    assert.deepEqual(readIrcLine(':s NOTICE bench0 :1 2 3'), { kind: 'other' });
    const other = readIrcLine(':x!x@h PRIVMSG #bench :hello there');
    assert.ok(other.kind === 'message');
    assert.equal(parsePayload(other.text), undefined);
  });

  it('registers without capabilities and keeps numerics apart from confab\'s error codes', () => {
    assert.equal(registrationLines('bench12'), 'NICK bench12\r\nUSER bench12 0 * :bench12\r\n');
    assert.ok(IRC_NUMERIC_BASE > 65_535);
  });
});
