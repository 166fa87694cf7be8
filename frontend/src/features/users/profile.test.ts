import { describe, expect, test } from 'vitest';
import { describeUserBurst, identityChanges, productCards, sites, type ProfileAssignment, type ProfileMembership } from './profile';

const tenant = (id: string, name: string, parent: { id: string; name: string } | null = null) => ({ id, name, country: 'IT', parent });
function a(id: string, product: string, role: string, category: 'ADMIN' | 'OPERATOR', status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): ProfileAssignment {
  return {
    id,
    status,
    createdAt: '2025-03-01T10:00:00Z',
    product: { id: `P-${product}`, code: product, name: product },
    role: { id: `R-${role}`, code: role, name: role, category, requiresNomination: false, personalDataAccess: true, requiresSite: false },
  };
}
const m = (id: string, t: ReturnType<typeof tenant>, assignments: ProfileAssignment[]): ProfileMembership => ({
  id,
  createdAt: '2025-01-01T00:00:00Z',
  tenant: t,
  roleAssignments: assignments,
});

describe('productCards', () => {
  test('OK: one card per product and membership, ordered by product then tenant, admins first', () => {
    const head = tenant('T1', 'Provincia di Brescia');
    const site = tenant('T2', 'Sede via Cefalonia', { id: 'T1', name: 'Provincia di Brescia' });
    const cards = productCards([
      m('M2', site, [a('a1', 'Send', 'USER', 'OPERATOR')]),
      m('M1', head, [a('a2', 'Send', 'USER', 'OPERATOR'), a('a3', 'Area', 'Operatore API', 'OPERATOR'), a('a4', 'Area', 'Amministratore', 'ADMIN')]),
    ]);
    expect(cards.map((c) => [c.product.name, c.tenant.name])).toEqual([
      ['Area', 'Provincia di Brescia'],
      ['Send', 'Provincia di Brescia'],
      ['Send', 'Sede via Cefalonia'],
    ]);
    expect(cards[0]?.assignments.map((x) => x.role.name)).toEqual(['Amministratore', 'Operatore API']);
    expect(cards[0]?.key).toBe('M1:P-Area');
  });

  test('a card is suspended only when every role on it is (the "Sospeso" tag)', () => {
    const t1 = tenant('T1', 'Ente');
    const [mixed] = productCards([m('M', t1, [a('x', 'Cob', 'Operatore', 'OPERATOR', 'SUSPENDED'), a('y', 'Cob', 'Altro', 'OPERATOR')])]);
    expect(mixed?.status).toBe('ACTIVE');
    const [all] = productCards([m('M', t1, [a('x', 'Cob', 'Operatore', 'OPERATOR', 'SUSPENDED')])]);
    expect(all?.status).toBe('SUSPENDED');
    expect(all?.category).toBe('OPERATOR');
  });

  test('memberships without roles give no card', () => {
    expect(productCards([m('M', tenant('T', 'E'), [])])).toEqual([]);
  });
});

describe('sites', () => {
  test('home tenant first, then by name, with the role count', () => {
    const list = sites(
      [
        m('M1', tenant('T1', 'Beta'), [a('1', 'X', 'r', 'OPERATOR')]),
        m('M2', tenant('T2', 'Alfa'), []),
        m('M3', tenant('T3', 'Zeta'), [a('2', 'X', 'r', 'OPERATOR'), a('3', 'Y', 'r', 'OPERATOR')]),
      ],
      'T3',
    );
    expect(list.map((s) => [s.tenant.name, s.isHome, s.roleCount])).toEqual([
      ['Zeta', true, 2],
      ['Alfa', false, 0],
      ['Beta', false, 1],
    ]);
  });

  test('a hidden home tenant marks none', () => {
    expect(sites([m('M1', tenant('T1', 'Beta'), [])], null).every((s) => !s.isHome)).toBe(true);
  });
});

describe('identityChanges', () => {
  const current = { givenName: 'Mario', familyName: 'Rossi', language: 'it', timeZone: 'Europe/Rome' };
  const same = { givenName: 'Mario', familyName: 'Rossi', taxCode: '', language: 'it', timeZone: 'Europe/Rome' };
  const all = { names: true, taxCode: true, preferences: true };

  test('gender and birth date: sent when changed, emptied to clear, never without the capability', () => {
    const withExtras = { ...current, gender: 'FEMALE', birthDate: '1980-05-01' };
    const draft = { ...same, gender: 'FEMALE', birthDate: '1980-05-01' };
    expect(identityChanges(withExtras, draft, { ...all, extras: true })).toEqual({});
    expect(identityChanges(withExtras, { ...draft, gender: '', birthDate: '1981-01-02' }, { ...all, extras: true })).toEqual({ gender: '', birthDate: '1981-01-02' });
    expect(identityChanges(withExtras, { ...draft, gender: 'MALE' }, all)).toEqual({});
  });

  test('nothing changed, nothing sent', () => {
    expect(identityChanges(current, { ...same, givenName: ' Mario ' }, all)).toEqual({});
  });

  test('only changed fields, trimmed', () => {
    expect(identityChanges(current, { ...same, familyName: 'Rossi Bianchi ', timeZone: ' Europe/Paris' }, all)).toEqual({
      familyName: 'Rossi Bianchi',
      timeZone: 'Europe/Paris',
    });
  });

  test('fields the viewer may not edit are never sent (R3 names, R2 tax code)', () => {
    const draft = { givenName: 'Luigi', familyName: 'Verdi', taxCode: 'RSSMRA85T10A562S', language: 'fr', timeZone: 'Europe/Rome' };
    expect(identityChanges(current, draft, { names: false, taxCode: false, preferences: true })).toEqual({ language: 'fr' });
    expect(identityChanges(current, draft, { names: false, taxCode: true, preferences: false })).toEqual({ taxCode: 'RSSMRA85T10A562S' });
  });

  test('hidden names (R12) count as empty', () => {
    expect(identityChanges({ ...current, givenName: null }, { ...same, givenName: '' }, all)).toEqual({});
  });
});

describe('describeUserBurst', () => {
  const user: { id: string; username: string; displayName: string | null } = { id: 'U1', username: 'mrossi', displayName: 'Mario Rossi' };
  const change = (fields: string[], who = user) => ({ details: { __typename: 'UserChange' as const, user: who, changes: fields.map((field) => ({ field })) } });
  const other = { details: { __typename: 'RoleAssignmentChange' } };
  test('OK: every field of the burst once, in order, without the version; the newest name', () => {
    expect(describeUserBurst([change(['status', 'version']), change(['timeZone', 'status', 'version'])], 'U1')).toEqual({
      name: 'Mario Rossi',
      fields: ['status', 'timeZone'],
    });
  });
  test('OK: a later event without fields (a role) does not hide an earlier change', () => {
    expect(describeUserBurst([change(['timeZone']), other, change(['version'])], 'U1')).toEqual({ name: 'Mario Rossi', fields: ['timeZone'] });
  });
  test('OK: the username when the name is hidden', () => {
    expect(describeUserBurst([change(['email'], { ...user, displayName: null })], 'U1')).toEqual({ name: 'mrossi', fields: ['email'] });
  });
  test('nothing to say: another user, only the version, or no user change', () => {
    expect(describeUserBurst([change(['email'], { ...user, id: 'U2' })], 'U1')).toBeNull();
    expect(describeUserBurst([change(['version']), other], 'U1')).toBeNull();
    expect(describeUserBurst([], 'U1')).toBeNull();
  });
});
