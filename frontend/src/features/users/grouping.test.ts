import { describe, expect, test } from 'vitest';
import { displayName, groupUsersByProduct, type GroupableAssignment, type GroupableUser } from './grouping';

const COB = { id: 'P-cob', name: 'COB' };
const AREA = { id: 'P-area', name: 'Area Riservata Enti' };
const SEND = { id: 'P-send', name: 'Send' };
const products = [COB, AREA, SEND];

let n = 0;
function ra(product: { id: string; name: string }, role: string, category: 'ADMIN' | 'OPERATOR', status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): GroupableAssignment {
  n++;
  return { id: `RA${n}`, status, product, role: { id: `${product.id}:${role}`, name: role, category } };
}
function user(id: string, ...memberships: Array<[tenant: string, GroupableAssignment[]]>): GroupableUser {
  return {
    id,
    memberships: memberships.map(([tenant, roleAssignments], i) => ({
      id: `${id}-m${i}`,
      tenant: { id: tenant, name: `Ente ${tenant}` },
      roleAssignments,
    })),
  };
}

describe('groupUsersByProduct', () => {
  test('OK: one group per product in catalog order, users in page order, with their roles there', () => {
    const rossi = user('rossi', ['T1', [ra(AREA, 'Operatore API', 'OPERATOR'), ra(COB, 'Master', 'ADMIN')]]);
    const bianchi = user('bianchi', ['T1', [ra(AREA, 'Amministratore', 'ADMIN')]]);
    const groups = groupUsersByProduct([rossi, bianchi], products);
    expect(groups.map((g) => g.product?.name)).toEqual(['COB', 'Area Riservata Enti']);
    expect(groups[0]?.rows.map((r) => r.user.id)).toEqual(['rossi']);
    expect(groups[1]?.rows.map((r) => r.user.id)).toEqual(['rossi', 'bianchi']);
    expect(groups[1]?.rows[0]?.roles.map((r) => r.name)).toEqual(['Operatore API']);
    expect(groups[0]?.rows[0]?.roles[0]).toMatchObject({ name: 'Master', category: 'ADMIN', status: 'ACTIVE' });
  });

  test('several roles on one product stay in one row', () => {
    const u = user('verdi', ['T1', [ra(AREA, 'Operatore API', 'OPERATOR'), ra(AREA, 'Operatore Sicurezza', 'OPERATOR', 'SUSPENDED')]]);
    const [group] = groupUsersByProduct([u], products);
    expect(group?.rows).toHaveLength(1);
    expect(group?.rows[0]?.roles.map((r) => [r.name, r.status])).toEqual([
      ['Operatore API', 'ACTIVE'],
      ['Operatore Sicurezza', 'SUSPENDED'],
    ]);
  });

  test('names the tenant only when the user holds the product in several tenants', () => {
    const u = user('neri', ['T1', [ra(SEND, 'USER', 'OPERATOR')]], ['T2', [ra(SEND, 'GUEST', 'OPERATOR')]], ['T3', [ra(COB, 'Operatore', 'OPERATOR')]]);
    const groups = groupUsersByProduct([u], products);
    const send = groups.find((g) => g.product?.id === SEND.id);
    expect(send?.rows[0]?.roles.map((r) => r.tenantName)).toEqual(['Ente T1', 'Ente T2']);
    const cob = groups.find((g) => g.product?.id === COB.id);
    expect(cob?.rows[0]?.roles[0]?.tenantName).toBeUndefined();
  });

  test('only roles matching the filters are grouped and shown', () => {
    const u = user('gialli', ['T1', [ra(COB, 'Master', 'ADMIN'), ra(AREA, 'Gestore Notifiche', 'OPERATOR', 'SUSPENDED')]]);
    expect(groupUsersByProduct([u], products, { category: 'ADMIN' }).map((g) => g.product?.id)).toEqual([COB.id]);
    expect(groupUsersByProduct([u], products, { assignmentStatus: 'SUSPENDED' }).map((g) => g.product?.id)).toEqual([AREA.id]);
    expect(groupUsersByProduct([u], products, { roleId: `${AREA.id}:Gestore Notifiche` })[0]?.rows[0]?.roles).toHaveLength(1);
    expect(groupUsersByProduct([u], products, { productId: COB.id }).map((g) => g.product?.id)).toEqual([COB.id]);
  });

  test('no row the API returned disappears: users without a matching role come last', () => {
    const none = user('viola');
    const other = user('blu', ['T1', [ra(SEND, 'ADMIN', 'ADMIN')]]);
    const groups = groupUsersByProduct([none, other], products, { category: 'OPERATOR' });
    expect(groups.map((g) => g.product)).toEqual([null]);
    expect(groups[0]?.rows.map((r) => r.user.id)).toEqual(['viola', 'blu']);
    expect(groups[0]?.rows[0]?.roles).toEqual([]);
  });

  test('products missing from the catalog list come after it, by name', () => {
    const z = { id: 'P-z', name: 'Zeta' };
    const a = { id: 'P-a', name: 'Alfa' };
    const u = user('x', ['T1', [ra(z, 'R', 'OPERATOR'), ra(a, 'R', 'OPERATOR'), ra(SEND, 'USER', 'OPERATOR')]]);
    expect(groupUsersByProduct([u], products).map((g) => g.product?.name)).toEqual(['Send', 'Alfa', 'Zeta']);
  });

  test('an empty page has no groups', () => {
    expect(groupUsersByProduct([], products)).toEqual([]);
  });
});

describe('displayName', () => {
  test('OK', () => {
    expect(displayName({ givenName: 'Mario', familyName: 'Rossi' })).toBe('Mario Rossi');
  });
  test('null when personal data is withheld (R12)', () => {
    expect(displayName({ givenName: null, familyName: null })).toBeNull();
  });
});
