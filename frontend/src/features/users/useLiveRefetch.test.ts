import { describe, expect, test } from 'vitest';
import { eventsAfter, type ChangeEventLike } from './useLiveRefetch';

const ev = (cursor: string): ChangeEventLike => ({
  cursor,
  type: 'USER_UPDATED',
  subjectType: 'User',
  subjectId: 'U1',
  details: { __typename: 'GroupChange' },
});

describe('eventsAfter', () => {
  const a = ev('1');
  const b = ev('2');
  const c = ev('3');
  test('OK: every event after the last one handled, oldest first (several in one render)', () => {
    expect(eventsAfter([a, b, c], a)).toEqual([b, c]);
    expect(eventsAfter([a, b, c], c)).toEqual([]);
  });
  test('OK: nothing handled yet, or the handled one no longer held: all of them', () => {
    expect(eventsAfter([a, b], undefined)).toEqual([a, b]);
    expect(eventsAfter([b, c], a)).toEqual([b, c]);
  });
  test('OK: by identity, not by equal content', () => {
    const again = ev('1');
    expect(eventsAfter([a, again], again)).toEqual([]);
    expect(eventsAfter([a, again], a)).toEqual([again]);
  });
});
