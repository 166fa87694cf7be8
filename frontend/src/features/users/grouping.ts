import type { AssignmentStatus, RoleCategory } from '../../gql/graphql';

/**
 * "Tutti" shows the users grouped by product (R21, seed "Utenti"): a user
 * appears under every product they hold a matching role on, with those
 * roles. The API pages over users, so grouping happens per page.
 */

export interface GroupableAssignment {
  id: string;
  status: AssignmentStatus;
  product: { id: string; name: string };
  role: { id: string; name: string; category: RoleCategory };
}

export interface GroupableUser {
  id: string;
  memberships: ReadonlyArray<{
    id: string;
    tenant: { id: string; name: string };
    roleAssignments: ReadonlyArray<GroupableAssignment>;
  }>;
}

/** One role of a user on a product, as a chip in the list. */
export interface RoleChip {
  assignmentId: string;
  roleId: string;
  name: string;
  category: RoleCategory;
  status: AssignmentStatus;
  /** The tenant holding the role, set only when the user holds roles on the product in several tenants. */
  tenantName?: string;
}

export interface ProductGroup<U> {
  /** The product; null for users with no (matching) role on any product. */
  product: { id: string; name: string } | null;
  rows: Array<{ user: U; roles: RoleChip[] }>;
}

/** Assignment-level filters: only matching roles are shown (and grouped). */
export interface AssignmentFilter {
  productId?: string;
  category?: RoleCategory;
  roleId?: string;
  assignmentStatus?: AssignmentStatus;
}

export function matchesAssignment(a: GroupableAssignment, f: AssignmentFilter): boolean {
  return (
    (!f.productId || a.product.id === f.productId) &&
    (!f.category || a.role.category === f.category) &&
    (!f.roleId || a.role.id === f.roleId) &&
    (!f.assignmentStatus || a.status === f.assignmentStatus)
  );
}

/**
 * Groups one page of users by the products of their (matching) role
 * assignments. Groups follow `productOrder` (the catalog's order), then
 * unknown products by name; rows keep the page's order. Every user appears
 * at least once: a user with no matching role goes to the final group with
 * a null product, so that no row the API returned disappears.
 */
export function groupUsersByProduct<U extends GroupableUser>(
  users: readonly U[],
  productOrder: ReadonlyArray<{ id: string }>,
  filter: AssignmentFilter = {},
): Array<ProductGroup<U>> {
  const groups = new Map<string, ProductGroup<U>>();
  const leftovers: ProductGroup<U> = { product: null, rows: [] };

  for (const user of users) {
    const byProduct = new Map<string, { product: { id: string; name: string }; items: Array<{ a: GroupableAssignment; tenant: string; tenantName: string }> }>();
    for (const m of user.memberships) {
      for (const a of m.roleAssignments) {
        if (!matchesAssignment(a, filter)) continue;
        let entry = byProduct.get(a.product.id);
        if (!entry) {
          entry = { product: a.product, items: [] };
          byProduct.set(a.product.id, entry);
        }
        entry.items.push({ a, tenant: m.tenant.id, tenantName: m.tenant.name });
      }
    }
    if (byProduct.size === 0) {
      leftovers.rows.push({ user, roles: [] });
      continue;
    }
    for (const [productId, { product, items }] of byProduct) {
      const severalTenants = new Set(items.map((i) => i.tenant)).size > 1;
      const roles = items.map<RoleChip>(({ a, tenantName }) => ({
        assignmentId: a.id,
        roleId: a.role.id,
        name: a.role.name,
        category: a.role.category,
        status: a.status,
        ...(severalTenants ? { tenantName } : {}),
      }));
      let group = groups.get(productId);
      if (!group) {
        group = { product: { id: product.id, name: product.name }, rows: [] };
        groups.set(productId, group);
      }
      group.rows.push({ user, roles });
    }
  }

  const rank = new Map(productOrder.map((p, i) => [p.id, i]));
  const ordered = [...groups.values()].sort((x, y) => {
    const rx = rank.get(x.product?.id ?? '') ?? Number.MAX_SAFE_INTEGER;
    const ry = rank.get(y.product?.id ?? '') ?? Number.MAX_SAFE_INTEGER;
    return rx !== ry ? rx - ry : (x.product?.name ?? '').localeCompare(y.product?.name ?? '');
  });
  if (leftovers.rows.length > 0) ordered.push(leftovers);
  return ordered;
}

/** Display name of a user whose personal data may be hidden (R12): null when hidden. */
export function displayName(user: { givenName: string | null; familyName: string | null }): string | null {
  const name = [user.givenName, user.familyName].filter((part): part is string => !!part).join(' ');
  return name === '' ? null : name;
}
