// A connection that always has another packet to send (a full window, or a quiche connection that
// keeps producing packets while it is torn down) must not hold the event loop: the endpoint sends
// a bounded burst per turn and continues in the next (docs/protocol.md §13.6).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { MAX_DATAGRAMS_PER_FLUSH, QuicEndpoint } from '../../../../src/transport/quic/endpoint.js';
import type { QuicSession } from '../../../../src/transport/quic/session.js';

describe('protocol.md §13.6 the QUIC endpoint sends in bounded bursts', () => {
  it('a connection that never stops producing datagrams leaves the event loop its turns', async () => {
    const sink = createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    let arrived = 0;
    sink.on('message', () => arrived++);
    const endpoint = await QuicEndpoint.bind('127.0.0.1', 0);
    const to = { host: '127.0.0.1', port: sink.address().port };
    let produced = 0;
    let stop = false;
    // Stands in for quiche's connection: a packet whenever asked, until the test ends (or, so an
    // endpoint without the bound fails this test instead of hanging it, 20,000 packets).
    const conn = {
      send(out: Buffer): [number, { to: typeof to }] | null {
        if (stop || produced >= 20_000) return null;
        produced++;
        out.fill(1, 0, 100);
        return [100, { to }];
      },
    };
    const session = {
      conn,
      dirty: false,
      flush(): void { endpoint.sendPackets(session as unknown as QuicSession); },
    };
    endpoint.markDirty(session as unknown as QuicSession);
    // A timer still fires while the connection sends without end; each turn sent one burst.
    const turns: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      turns.push(produced);
    }
    stop = true;
    assert.ok(turns[0] > 0 && turns[0] <= 4 * MAX_DATAGRAMS_PER_FLUSH, `sent ${turns[0]} before the first timer`);
    for (let i = 1; i < turns.length; i++) assert.ok(turns[i] > turns[i - 1], 'the connection keeps sending between timers');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await endpoint.close();
    sink.close();
    assert.ok(arrived > 0);
  });
});
