import { describe, expect, it } from 'vitest';
import { groupsByProduct } from './groups';

const cob = { id: 'p2', name: 'COB' };
const area = { id: 'p1', name: 'Area Riservata' };

describe('groupsByProduct', () => {
  it('one section per product by name; active groups first, then by name', () => {
    const out = groupsByProduct([
      { name: 'Zeta', active: true, product: cob },
      { name: 'Alfa', active: false, product: cob },
      { name: 'Beta', active: true, product: cob },
      { name: 'Uffici', active: true, product: area },
    ]);
    expect(out.map((s) => s.product.name)).toEqual(['Area Riservata', 'COB']);
    expect(out[1]?.groups.map((g) => g.name)).toEqual(['Beta', 'Zeta', 'Alfa']);
  });

  it('no groups, no sections', () => {
    expect(groupsByProduct([])).toEqual([]);
  });
});
