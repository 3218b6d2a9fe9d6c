// What the QUIC listener puts on the wire for datagrams of no connection: Version Negotiation
// for an unknown version, a Retry (address validation) for a first Initial, and nothing but
// silence for an Initial whose retry token is forged or expired.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { dialQuic } from '../../../src/transport/quic/dialer.js';
import { listenQuic, type QuicListener, type QuicListenOptions } from '../../../src/transport/quic/listener.js';
import type { Certificate } from '../../../src/tls/certificate.js';
import { HOST, longHeader, offeredVersions, packetKind, testCertificate, UdpRelay, type PacketKind, type RelayOptions } from './helpers.js';

const acceptAny = (): undefined => undefined;

describe('protocol.md §2.4.4: QUIC listener on the wire', { timeout: 30_000 }, () => {
  let cert: Certificate;
  const cleanup: (() => Promise<void>)[] = [];
  before(async () => { cert = await testCertificate(); });
  after(async () => { for (const c of cleanup.reverse()) await c(); });

  async function listen(options: Partial<QuicListenOptions> = {}): Promise<QuicListener> {
    const l = await listenQuic({ host: HOST, port: 0, cert: cert.cert, key: cert.key, ...options }, (conn) => {
      conn.onData((b) => conn.send(b));
    });
    cleanup.push(() => l.close());
    return l;
  }

  async function relay(l: QuicListener, options: RelayOptions = {}): Promise<{ relay: UdpRelay; kinds: Record<string, PacketKind[]> }> {
    const kinds: Record<string, PacketKind[]> = { up: [], down: [] };
    const r = await UdpRelay.start(l.port, {
      ...options,
      inspect: (direction, d) => {
        kinds[direction].push(packetKind(d));
        return options.inspect?.(direction, d);
      },
    });
    cleanup.push(() => r.close());
    return { relay: r, kinds };
  }

  it('answers an Initial of an unknown version with Version Negotiation listing version 1', async () => {
    const l = await listen();
    const socket = createSocket('udp4');
    cleanup.push(() => new Promise((resolve) => socket.close(() => resolve())));
    await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
    const dcid = randomBytes(8);
    const scid = randomBytes(8);
    const probe = Buffer.alloc(1200); // padded like a real first Initial
    probe[0] = 0xc0;
    probe.writeUInt32BE(0x1a2a3a4a, 1); // a reserved "greasing" version nobody speaks
    probe[5] = dcid.length;
    dcid.copy(probe, 6);
    probe[14] = scid.length;
    scid.copy(probe, 15);
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(probe, l.port, HOST);
    const vn = await reply;
    assert.equal(packetKind(vn), 'version-negotiation');
    const h = longHeader(vn);
    // The ids come back swapped (RFC 9000, 17.2.1) and version 1 is offered.
    assert.deepEqual(h.dcid, scid);
    assert.deepEqual(h.scid, dcid);
    assert.ok(offeredVersions(vn).includes(1), `offered ${offeredVersions(vn)}`);
    assert.equal(l.counters.versionNegotiations, 1);
    assert.equal(l.sessions, 0);
  });

  it('sends a Retry before accepting, and the client comes back with the token', async () => {
    const l = await listen();
    const { relay: r, kinds } = await relay(l);
    const client = await dialQuic({ host: HOST, port: r.port, verify: acceptAny });
    const echoed = new Promise<string>((resolve) => client.onData((b) => resolve(Buffer.from(b).toString())));
    client.send(Buffer.from('ping'));
    assert.equal(await echoed, 'ping');
    // First answer of the server: a Retry; then the client's second Initial carries a token.
    assert.equal(kinds.down[0], 'retry');
    assert.equal(kinds.up[0], 'initial');
    assert.equal(kinds.up[1], 'initial');
    assert.equal(l.counters.retries, 1);
    assert.equal(l.counters.accepted, 1);
    client.destroy();
  });

  it('accepts at once, with no Retry, when retry is off', async () => {
    const l = await listen({ retry: false });
    const { relay: r, kinds } = await relay(l);
    const client = await dialQuic({ host: HOST, port: r.port, verify: acceptAny });
    assert.equal(kinds.down.includes('retry'), false);
    assert.equal(kinds.down[0], 'initial');
    assert.equal(l.counters.retries, 0);
    client.destroy();
  });

  it('refuses an Initial whose retry token was tampered with', async () => {
    const l = await listen();
    let tampered = 0;
    const { relay: r } = await relay(l, {
      inspect: (direction, d) => {
        if (direction !== 'up' || packetKind(d) !== 'initial') return undefined;
        const h = longHeader(d);
        if (h.tokenLength === 0) return undefined;
        const forged = Buffer.from(d);
        forged[h.tokenAt + 2] ^= 0x01; // a later expiry, say
        tampered++;
        return forged;
      },
    });
    await assert.rejects(dialQuic({ host: HOST, port: r.port, verify: acceptAny, handshakeTimeoutMs: 1500 }), /handshake timeout/);
    assert.ok(tampered > 0);
    assert.ok(l.counters.tokensRefused >= 1);
    assert.equal(l.counters.accepted, 0);
    assert.equal(l.sessions, 0);
  });

  it('refuses an expired retry token, and accepts the same late client when tokens last long enough', async () => {
    const strict = await listen({ retryTokenLifetimeMs: 20 });
    const { relay: slow } = await relay(strict, { delayUpMs: 60 });
    await assert.rejects(dialQuic({ host: HOST, port: slow.port, verify: acceptAny, handshakeTimeoutMs: 1500 }), /handshake timeout/);
    assert.ok(strict.counters.tokensRefused >= 1);
    assert.equal(strict.counters.accepted, 0);

    const lenient = await listen({ retryTokenLifetimeMs: 10_000 });
    const { relay: slow2 } = await relay(lenient, { delayUpMs: 60 });
    const client = await dialQuic({ host: HOST, port: slow2.port, verify: acceptAny });
    assert.equal(lenient.counters.tokensRefused, 0);
    assert.equal(lenient.counters.accepted, 1);
    client.destroy();
  });
});
