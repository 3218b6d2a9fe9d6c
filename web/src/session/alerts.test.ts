import { describe, expect, it } from 'vitest';
import { alertOf } from './alerts';

const now = 1_800_000_000_000;
const msg = (from: string, to: string[], text: string, at = now) => ({ id: 1, cid: '', at, from, to, text });

describe('alerts', () => {
  it('alerts for a direct message and for a mention, naming where it came from', () => {
    expect(alertOf(msg('bob', ['alice'], 'psst'), 'alice', now)).toEqual({ title: 'bob', body: 'psst', key: 'bob' });
    expect(alertOf(msg('bob', ['alice', 'carol'], 'all'), 'alice', now)).toEqual({ title: 'bob in bob, carol', body: 'all', key: 'bob,carol' });
    expect(alertOf(msg('bob', ['#General'], 'hey @Alice'), 'alice', now)).toEqual({ title: 'bob in #General', body: 'hey @Alice', key: '#general' });
  });

  it('stays quiet for room chatter, one\'s own messages and replays of old ones', () => {
    expect(alertOf(msg('bob', ['#general'], 'hello all'), 'alice', now)).toBeUndefined();
    expect(alertOf(msg('alice', ['bob'], 'hi @alice'), 'alice', now)).toBeUndefined();
    expect(alertOf(msg('bob', ['alice'], 'old', now - 120_000), 'alice', now)).toBeUndefined();
    expect(alertOf(msg('bob', ['#general'], '`@alice` in code'), 'alice', now)).toBeUndefined();
  });

  it('cuts a long message short', () => {
    const body = alertOf(msg('bob', ['alice'], 'x'.repeat(500)), 'alice', now)?.body ?? '';
    expect(body.length).toBe(141);
  });
});
