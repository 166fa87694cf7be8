import { buildSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { catalogs } from '../../i18n/catalogs';
import { ACTION_MUTATIONS, assignmentActions, CONFIRMATIONS, isWired, WIRED_ACTIONS, type UserAction } from './actions';

// The checked-in schema (the API contract), read at test time through Vite.
const sources = import.meta.glob<string>('../../../../graph/schema/*.graphqls', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const schema = buildSchema(Object.values(sources).join('\n'));
const mutations = new Set(Object.keys(schema.getMutationType()?.getFields() ?? {}));

describe('profile actions', () => {
  test('the schema was read', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(0);
    expect(mutations.has('bootstrapPlatformAdmin')).toBe(true);
  });

  test('an action is wired only when its mutation is in the schema (no button that cannot work)', () => {
    for (const action of WIRED_ACTIONS) {
      expect(mutations.has(ACTION_MUTATIONS[action]), `${action} needs ${ACTION_MUTATIONS[action]}`).toBe(true);
    }
  });

  test('suspend or reactivate by state, and remove, among the wired ones', () => {
    const all = new Set<UserAction>(['suspend', 'reactivate', 'remove']);
    expect(assignmentActions('ACTIVE', all)).toEqual(['suspend', 'remove']);
    expect(assignmentActions('SUSPENDED', all)).toEqual(['reactivate', 'remove']);
    expect(assignmentActions('ACTIVE', new Set<UserAction>(['reactivate']))).toEqual([]);
  });

  test('nothing is offered while the admin API lacks the mutations', () => {
    const missing = (Object.keys(ACTION_MUTATIONS) as UserAction[]).filter((a) => !mutations.has(ACTION_MUTATIONS[a]));
    for (const action of missing) expect(isWired(action)).toBe(false);
    expect(assignmentActions('ACTIVE').every((a) => mutations.has(ACTION_MUTATIONS[a]))).toBe(true);
  });

  test('every confirmation has its texts in every language', () => {
    for (const c of Object.values(CONFIRMATIONS)) {
      for (const catalog of Object.values(catalogs)) {
        expect(catalog[c.title]).toBeTruthy();
        expect(catalog[c.body]).toContain('{role}');
        expect(catalog[c.confirm]).toBeTruthy();
      }
    }
  });
});
