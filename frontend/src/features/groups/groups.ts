interface GroupLike {
  name: string;
  active: boolean;
  product: { id: string; name: string };
}

/** Groups in one section per product (by product name), active groups first, then by name. */
export function groupsByProduct<G extends GroupLike>(groups: readonly G[]): { product: G['product']; groups: G[] }[] {
  const sections = new Map<string, { product: G['product']; groups: G[] }>();
  for (const g of groups) {
    const s = sections.get(g.product.id) ?? { product: g.product, groups: [] as G[] };
    s.groups.push(g);
    sections.set(g.product.id, s);
  }
  const out = [...sections.values()].sort((a, b) => a.product.name.localeCompare(b.product.name));
  for (const s of out) s.groups.sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
  return out;
}
