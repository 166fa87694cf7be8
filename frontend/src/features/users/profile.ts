import type { AssignmentStatus, RoleCategory } from '../../gql/graphql';

/**
 * The profile's "product cards" (seed "Utenti": roles per product with their
 * state, actions on each card) and its sites, derived from the memberships.
 */

export interface ProfileAssignment {
  id: string;
  status: AssignmentStatus;
  createdAt: string;
  /** Whether the viewer may suspend, reactivate or remove it (R10). */
  viewerCanManage?: boolean;
  product: { id: string; code: string; name: string };
  role: {
    id: string;
    code: string;
    name: string;
    category: RoleCategory;
    requiresNomination: boolean;
    personalDataAccess: boolean;
    requiresSite: boolean;
  };
}

export interface ProfileMembership {
  id: string;
  createdAt: string;
  tenant: { id: string; name: string; country: string; parent: { id: string; name: string } | null };
  roleAssignments: readonly ProfileAssignment[];
}

/** One product held through one membership. */
export interface ProductCard {
  key: string;
  product: ProfileAssignment['product'];
  membershipId: string;
  tenant: ProfileMembership['tenant'];
  /** Administrators first, then by name. */
  assignments: ProfileAssignment[];
  /** SUSPENDED when every role on the product is suspended (the card's "Sospeso" tag). */
  status: AssignmentStatus;
  /** The category the user holds on this product here (never both, R9). */
  category: RoleCategory;
}

const byCategoryThenName = (a: ProfileAssignment, b: ProfileAssignment): number =>
  a.role.category === b.role.category
    ? a.role.name.localeCompare(b.role.name)
    : a.role.category === 'ADMIN'
      ? -1
      : 1;

/** Cards per (product, membership), ordered by product name then tenant name. */
export function productCards(memberships: readonly ProfileMembership[]): ProductCard[] {
  const cards: ProductCard[] = [];
  for (const m of memberships) {
    const byProduct = new Map<string, ProfileAssignment[]>();
    for (const a of m.roleAssignments) {
      const list = byProduct.get(a.product.id) ?? [];
      list.push(a);
      byProduct.set(a.product.id, list);
    }
    for (const [productId, list] of byProduct) {
      const assignments = [...list].sort(byCategoryThenName);
      const first = assignments[0];
      if (!first) continue;
      cards.push({
        key: `${m.id}:${productId}`,
        product: first.product,
        membershipId: m.id,
        tenant: m.tenant,
        assignments,
        status: assignments.every((a) => a.status === 'SUSPENDED') ? 'SUSPENDED' : 'ACTIVE',
        category: first.role.category,
      });
    }
  }
  return cards.sort(
    (a, b) => a.product.name.localeCompare(b.product.name) || a.tenant.name.localeCompare(b.tenant.name),
  );
}

export interface Site {
  membershipId: string;
  tenant: ProfileMembership['tenant'];
  since: string;
  /** The tenant that created the user (R7): only its admins edit the identity. */
  isHome: boolean;
  roleCount: number;
}

/** The tenants the user is attached to (sites, R8), home tenant first, then by name. */
export function sites(memberships: readonly ProfileMembership[], homeTenantId: string | null | undefined): Site[] {
  return memberships
    .map((m) => ({
      membershipId: m.id,
      tenant: m.tenant,
      since: m.createdAt,
      isHome: m.tenant.id === homeTenantId,
      roleCount: m.roleAssignments.length,
    }))
    .sort((a, b) => Number(b.isHome) - Number(a.isHome) || a.tenant.name.localeCompare(b.tenant.name));
}

/** What the identity form may change, from the API's `viewerCan` (R3, R4, R7). */
export interface IdentityCaps {
  names: boolean;
  taxCode: boolean;
  preferences: boolean;
  /** Gender and birth date: identity fields, and personal data the viewer must see to edit (R12). */
  extras?: boolean;
}

export interface IdentityDraft {
  givenName: string;
  familyName: string;
  taxCode: string;
  language: string;
  timeZone: string;
  /** `''` for none; FEMALE, MALE or OTHER. */
  gender?: string;
  /** `YYYY-MM-DD` or `''` for none. */
  birthDate?: string;
}

/**
 * The `updateUserProfile` fields to send: only those the viewer may edit
 * and that differ from the user's current values (trimmed); empty when
 * nothing changed. An unchanged field is never sent, so that a field the
 * viewer may not edit cannot be refused.
 */
export function identityChanges(
  current: { givenName: string | null; familyName: string | null; language: string; timeZone: string; gender?: string | null; birthDate?: string | null },
  draft: IdentityDraft,
  caps: IdentityCaps,
): Partial<IdentityDraft> {
  const out: Partial<IdentityDraft> = {};
  if (caps.names && draft.givenName.trim() !== (current.givenName ?? '')) out.givenName = draft.givenName.trim();
  if (caps.names && draft.familyName.trim() !== (current.familyName ?? '')) out.familyName = draft.familyName.trim();
  if (caps.taxCode && draft.taxCode.trim() !== '') out.taxCode = draft.taxCode.trim();
  if (caps.preferences && draft.language !== current.language) out.language = draft.language;
  if (caps.preferences && draft.timeZone.trim() !== current.timeZone) out.timeZone = draft.timeZone.trim();
  // An emptied field is sent as '' to clear it.
  if (caps.extras && draft.gender !== undefined && draft.gender !== (current.gender ?? '')) out.gender = draft.gender;
  if (caps.extras && draft.birthDate !== undefined && draft.birthDate !== (current.birthDate ?? '')) out.birthDate = draft.birthDate;
  return out;
}

/** What `describeUserBurst` needs of a change event. */
export interface UserChangeEventLike {
  details:
    | { __typename: 'UserChange'; user?: { id: string; username: string; displayName?: string | null } | null; changes: { field: string }[] }
    | { __typename: string };
}

/**
 * The fields of user `id` that a burst of change events changed, each once
 * in the order they first changed (the version counter left out), and how
 * the newest of those events names the user: the live note of a profile
 * says all of them, not only the last event's (which may be about a role
 * or carry no field). Null when no event of the burst changed a field of
 * the user.
 */
export function describeUserBurst(burst: readonly UserChangeEventLike[], id: string): { name: string | null; fields: string[] } | null {
  const fields: string[] = [];
  let name: string | null = null;
  for (const e of burst) {
    const d = e.details;
    if (d.__typename !== 'UserChange' || !('changes' in d) || d.user?.id !== id) continue;
    const changed = d.changes.map((c) => c.field).filter((f) => f !== 'version');
    if (changed.length === 0) continue;
    for (const f of changed) if (!fields.includes(f)) fields.push(f);
    name = d.user.displayName ?? d.user.username ?? null;
  }
  return fields.length > 0 ? { name, fields } : null;
}
