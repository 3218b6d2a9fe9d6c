// The server of one IRC test file: started before its tests and stopped after them, with every
// client the file opened through it. What each IRC test file used to repeat.
import { after, before } from 'node:test';
import type { ChatClient } from '../../../src/client/client.js';
import { connect } from '../../../src/client/node.js';
import { startTestServer, type TestOptions, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

export interface IrcServer {
  /** A registered IRC client: a guest, or logged in with PASS; with the capabilities asked for. */
  user(nick: string, opts?: { password?: string; caps?: string[] }): Promise<IrcTestClient>;
  /** A native client over TLS, registered as a new account. */
  native(name: string): Promise<ChatClient>;
  /** Sends a JOIN line and waits for its end of NAMES. */
  joined(c: IrcTestClient, line: string): Promise<void>;
  /** Closes `c` with the others after the file's tests. */
  track(c: IrcTestClient): IrcTestClient;
}

/**
 * Starts the file's server in its `before` (then `ready(srv)`, which may prepare accounts) and
 * stops it in its `after`.
 */
export function ircServer(options: TestOptions = { gateways: ['irc'] }, ready: (srv: TestServer) => void | Promise<void> = () => undefined): IrcServer {
  let srv: TestServer | undefined;
  const clients: IrcTestClient[] = [];
  const natives: ChatClient[] = [];
  before(async () => {
    srv = await startTestServer(options);
    await ready(srv);
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const c of natives) await c.close();
    await srv?.close();
  });
  const server = (): TestServer => {
    if (!srv) throw new Error('the server starts in the file\'s before hook');
    return srv;
  };
  return {
    async user(nick, opts = {}) {
      const c = await IrcTestClient.registered(server(), nick, opts);
      clients.push(c);
      return c;
    },
    async native(name) {
      const s = server();
      const a = s.server.tls;
      if (!a) throw new Error('no TLS listener');
      const c = await connect(`tls://${a.host}:${a.port}`, { fingerprint: s.server.fingerprint, reconnect: false });
      natives.push(c);
      await c.register(name, 'a-long-password');
      return c;
    },
    async joined(c, line) {
      c.send(line);
      await c.numeric('366');
    },
    track(c) {
      clients.push(c);
      return c;
    },
  };
}
