// The seed gateways' acknowledgements over real sockets, against a server killed with SIGKILL
// right after it acknowledged pipelined messages: CP's 240 and ChatOS's ACK mean durable, also
// when the commits of a pipeline overlap (docs/cp.md §7.4, docs/chatos.md §5.7).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeChat } from '../../src/gateways/chatos/codec.js';
import type { ChatMessage, HistoryQuery } from '../../src/core/types.js';
import { ChatosClient } from '../conformance/chatos/chatos-client.js';
import { CpClient } from '../conformance/cp/cp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer } from './test-server.js';

const N = 500;

interface Ports { tls: number; fingerprint: string; cp: number; chatos: number }

/** Every page of a history query, oldest first. */
async function everything(page: (q: HistoryQuery) => Promise<ChatMessage[]>): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let before: number | undefined;
  for (;;) {
    const rows = await page({ limit: 100, ...(before === undefined ? {} : { before }) });
    all.unshift(...rows);
    if (rows.length < 100) return all;
    before = rows[0].id;
  }
}

describe('cp.md §7.4 and chatos.md §5.7: acknowledged means durable', () => {
  it('a server killed with SIGKILL right after acknowledging pipelined SMSGs and chat packets has every acknowledged message, once, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-seed-kill-'));
    try {
      // Under `npm test` this file runs compiled to JS; under tsx it runs as TypeScript.
      const compiled = import.meta.url.endsWith('.js');
      const fixture = join(import.meta.dirname, '..', 'fixtures', compiled ? 'serve-for-kill.js' : 'serve-for-kill.ts');
      const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const lines = createInterface({ input: child.stdout });
      const ports = await new Promise<Ports>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l) as Ports)));
      const host = '127.0.0.1';

      // CP logs in to accounts: made over the native protocol.
      for (const name of ['cpsend', 'cprecv']) {
        const n = await RawClient.open({ transport: 'tls', host, port: ports.tls, fingerprint: ports.fingerprint });
        await n.hello();
        await n.request({ type: 'REGISTER', ref: 1, name, password: `pw-${name}` }, 'SESSION');
        n.close();
      }
      const cp = await CpClient.open({ host, port: ports.cp });
      await cp.login('cpsend', 'pw-cpsend');
      const chatos = await ChatosClient.login({ host, port: ports.chatos }, 'chsend');

      // Both pipelines in one write each, at once; the server dies as soon as the last answer is in.
      cp.sendBytes(Array.from({ length: N }, (_, i) => `SMSG cprecv:cp ${i}\r\n`).join(''));
      chatos.send(Buffer.concat(Array.from({ length: N }, (_, i) => encodeChat(BigInt(i + 1), '', `chatos ${i}`))));
      const [cpCodes, chatosAcks] = await Promise.all([
        (async () => { const out: number[] = []; for (let i = 0; i < N; i++) out.push((await cp.next(20_000)).code); return out; })(),
        (async () => {
          const out: string[] = [];
          for (let i = 0; i < N; i++) {
            const p = await chatos.nextWhere((q) => q.op === 'ACK' || q.op === 'ERROR', `answer ${i}`, 20_000);
            out.push(p.op === 'ACK' ? `ACK ${p.id}` : p.op);
          }
          return out;
        })(),
      ]);
      child.kill('SIGKILL');
      await exited;
      cp.destroy();
      chatos.destroy();
      assert.deepEqual(cpCodes, Array<number>(N).fill(240));
      assert.deepEqual(chatosAcks, Array.from({ length: N }, (_, i) => `ACK ${i + 1}`));

      const srv = await startTestServer({ dataDir: dir, keepDataDir: true });
      try {
        const store = srv.server.store;
        const direct = await everything((q) => store.dmHistory('cpsend', 'cprecv', q));
        assert.deepEqual(direct.map((m) => m.text), Array.from({ length: N }, (_, i) => `cp ${i}`));
        const general = (await everything((q) => store.roomHistory('#general', q))).filter((m) => m.from === 'chsend');
        assert.deepEqual(general.map((m) => m.text), Array.from({ length: N }, (_, i) => `chatos ${i}`));
      } finally {
        await srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
