// Configuration files for the IRC servers confab's IRC gateway is compared with (ngircd and
// InspIRCd, as Debian packages them), for a private instance: loopback only, one port, every
// file in the bench's own directory, and the limits that would shape a benchmark from one address
// lifted. Pure: the harness (bench/servers/ircd.ts) writes the text and starts the program.
import { join } from 'node:path';
import type { IrcdPeer } from '../clients/types.js';

export interface IrcdSetup {
  /** A private directory: configuration, pid file, log and MOTD go here. */
  dir: string;
  host: string;
  port: number;
}

/** Large enough never to be reached by a bench run; both servers take 32-bit numbers. */
const UNLIMITED = 1_000_000;
/** Bytes a server may queue towards one client before dropping it (the bench's slow readers). */
export const IRCD_SENDQ_BYTES = 64 * 1024 * 1024;

/**
 * ngircd's flood protection is compiled in; the most it allows is user mode +F ("relaxed flood
 * protection"), which only an operator may set. The bench's clients log in as this operator.
 */
export const NGIRCD_OPER = { name: 'bench', password: 'bench-oper', modes: '+F' } as const;

/** The file name the configuration is written to in the setup's directory. */
export const CONFIG_FILE: Record<IrcdPeer, string> = { ngircd: 'ngircd.conf', inspircd: 'inspircd.conf' };

/** The program (Debian's path) and its arguments: in the foreground, with our configuration. */
export function ircdCommand(peer: IrcdPeer, s: IrcdSetup): { program: string; args: string[] } {
  const config = join(s.dir, CONFIG_FILE[peer]);
  return peer === 'ngircd'
    ? { program: '/usr/sbin/ngircd', args: ['--nodaemon', '--config', config] }
    // --runasroot: InspIRCd refuses root otherwise; the bench may run as root in a container.
    : { program: '/usr/sbin/inspircd', args: ['--config', config, '--nofork', '--nopid', ...(process.getuid?.() === 0 ? ['--runasroot'] : [])] };
}

export function ircdConfig(peer: IrcdPeer, s: IrcdSetup): string {
  checkSetup(s);
  return peer === 'ngircd' ? ngircdConfig(s) : inspircdConfig(s);
}

/**
 * ngircd: no connection limits per address or in all, no limit on joins, no DNS or ident lookups
 * (each would add seconds per connection), and PING times beyond any run. ngircd's throttling of
 * client commands is compiled in; an operator for the clients to set +F with is the rest.
 */
function ngircdConfig(s: IrcdSetup): string {
  return [
    '[Global]',
    '\tName = bench.ngircd',
    '\tInfo = confab bench peer',
    `\tListen = ${s.host}`,
    `\tPorts = ${s.port}`,
    '\tMotdPhrase = bench',
    `\tPidFile = ${join(s.dir, 'ngircd.pid')}`,
    '[Limits]',
    '\tMaxConnections = 0',
    '\tMaxConnectionsIP = 0',
    '\tMaxJoins = 0',
    '\tMaxListSize = 100000',
    '\tPingTimeout = 3600',
    '\tPongTimeout = 3600',
    '\tConnectRetry = 60',
    '[Options]',
    '\tDNS = no',
    '\tIdent = no',
    '\tPAM = no',
    '\tSyslogFacility = local5',
    '[Operator]',
    `\tName = ${NGIRCD_OPER.name}`,
    `\tPassword = ${NGIRCD_OPER.password}`,
    '',
  ].join('\n');
}

/**
 * InspIRCd 3: one connect class for everything, with the flood limits lifted: threshold and
 * commandrate far above the bench's rates and fakelag off, send and receive queues of 64 MiB,
 * no per-address or global connection limits; no DNS or ident lookups.
 */
function inspircdConfig(s: IrcdSetup): string {
  const q = (v: string | number): string => `"${v}"`;
  return [
    `<server name="bench.inspircd" description="confab bench peer" network="bench">`,
    `<admin name="bench" nick="bench" email="bench@${s.host}">`,
    `<bind address=${q(s.host)} port=${q(s.port)} type="clients">`,
    `<connect name="bench" allow="*" timeout="60" pingfreq="3600" maxchans="20"` +
      ` hardsendq=${q(IRCD_SENDQ_BYTES)} softsendq=${q(IRCD_SENDQ_BYTES)} recvq=${q(IRCD_SENDQ_BYTES)}` +
      ` threshold=${q(UNLIMITED)} commandrate=${q(UNLIMITED * 1000)} fakelag="no"` +
      ` localmax=${q(UNLIMITED)} globalmax=${q(UNLIMITED)} limit=${q(UNLIMITED)} maxconnwarn="no"` +
      ` useident="no" resolvehostnames="no">`,
    `<path configdir=${q(s.dir)} datadir=${q(s.dir)} logdir=${q(s.dir)} moduledir="/usr/lib/inspircd/modules">`,
    `<dns timeout="1">`,
    `<options defaultmodes="nt">`,
    `<performance softlimit=${q(UNLIMITED)} somaxconn="1024">`,
    `<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target=${q(join(s.dir, 'inspircd.log'))}>`,
    '',
  ].join('\n');
}

/** The values go into the files unquoted (ngircd) or in double quotes (InspIRCd). */
function checkSetup(s: IrcdSetup): void {
  if (!/^[A-Za-z0-9._\-/]+$/.test(s.dir)) throw new Error(`unusable directory for an IRC server's files: ${s.dir}`);
  if (!/^[0-9a-fA-F.:]+$/.test(s.host)) throw new Error(`the IRC server's address must be numeric: ${s.host}`);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new Error(`not a port: ${s.port}`);
}
