import { describe, expect, it } from 'vitest';
import { parseTargets } from './names';
import { conversationsOf } from './routing';

describe('conversationsOf', () => {
  const keys = (from: string, to: string[]): string[] => conversationsOf(from, to, 'Alice').map((r) => `${r.kind}:${r.key}`);

  it('puts one’s own message in every target room and DM', () => {
    expect(keys('alice', ['#General', 'Bob', 'carol', '#general'])).toEqual(['room:#general', 'dm:bob', 'dm:carol']);
  });

  it('puts a message to me in the DM with its sender, and a room message in its room', () => {
    expect(keys('Bob', ['ALICE'])).toEqual(['dm:bob']);
    expect(keys('Bob', ['#dev', 'alice', 'carol'])).toEqual(['room:#dev', 'dm:bob']);
    expect(keys('Bob', ['#dev', 'carol'])).toEqual(['room:#dev']);
  });
});

describe('parseTargets', () => {
  it('splits on commas and spaces and drops duplicates and empty names', () => {
    expect(parseTargets(' #general, bob  Carol;#General, , # BOB')).toEqual(['#general', 'bob', 'Carol']);
  });
});
