import type { MockResponse } from './graphql';

/**
 * GraphQL responses for the pages that need a signed-in viewer. The login
 * API does not exist yet (issue 3), so the real server can only answer them
 * with UNAUTHENTICATED: these fixtures stand in for those responses only.
 * Shapes follow the operations in src/features/<feature>/operations.ts.
 */

export const gid = (type: string, id: number | string): string => Buffer.from(`${type}:${id}`).toString('base64');

export interface RoleFx {
  id: string;
  code: string;
  name: string;
  category: 'ADMIN' | 'OPERATOR';
  permissions: string[];
  requiresNomination: boolean;
  personalDataAccess: boolean;
  requiresSite: boolean;
}
export interface ProductFx {
  id: string;
  code: string;
  name: string;
  description: string;
  roles: RoleFx[];
}

function role(product: number, n: number, code: string, name: string, category: 'ADMIN' | 'OPERATOR', extra: Partial<RoleFx> = {}): RoleFx {
  return {
    id: gid('Role', product * 10 + n),
    code,
    name,
    category,
    permissions: category === 'ADMIN' ? ['users.manage'] : ['data.read'],
    requiresNomination: false,
    personalDataAccess: true,
    requiresSite: false,
    ...extra,
  };
}

export const AREA: ProductFx = {
  id: gid('Product', 1),
  code: 'io-platform',
  name: 'Area Riservata Enti',
  description: 'Back office of public bodies (notifications, payments, API keys).',
  roles: [
    role(1, 1, 'amministratore', 'Amministratore', 'ADMIN', { requiresNomination: true, permissions: ['users.manage', 'apikeys.manage'] }),
    role(1, 2, 'operatore-api', 'Operatore API', 'OPERATOR', { permissions: ['apikeys.read'] }),
    role(1, 3, 'operatore-sicurezza', 'Operatore Sicurezza', 'OPERATOR', { permissions: ['security.read'] }),
  ],
};
export const COB: ProductFx = {
  id: gid('Product', 2),
  code: 'cob',
  name: 'COB – Comunicazioni obbligatorie',
  description: 'Mandatory employment communications for employers, agencies and delegates.',
  roles: [
    role(2, 1, 'master', 'Master', 'ADMIN', { requiresNomination: true }),
    role(2, 2, 'operatore', 'Operatore', 'OPERATOR'),
  ],
};
export const AMISGEST: ProductFx = {
  id: gid('Product', 3),
  code: 'amisgest',
  name: 'Amisgest – présences et équipements',
  description: 'Attendance board, TV and door equipment of day-care centres.',
  roles: [
    role(3, 1, 'administration', 'Administration', 'ADMIN'),
    role(3, 2, 'external-technician', 'External technician', 'OPERATOR', {
      personalDataAccess: false,
      requiresSite: true,
      permissions: ['equipment.configure'],
    }),
  ],
};
export const PRODUCTS = [AREA, COB, AMISGEST];

export const BRESCIA = { id: gid('Tenant', 1), name: 'Provincia di Brescia', country: 'IT' };
export const CEFALONIA = { id: gid('Tenant', 2), name: 'Sede operativa via Cefalonia', country: 'IT' };

const productRef = (p: ProductFx) => ({ __typename: 'Product', id: p.id, name: p.name });
const roleRef = (r: RoleFx) => ({ __typename: 'Role', id: r.id, name: r.name, category: r.category });

function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new Error(`fixture: no item ${i}`);
  return v;
}

export interface UserFx {
  id: string;
  kind: 'HUMAN' | 'SERVICE';
  username: string;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  taxCode: string | null;
  status: 'ACTIVE' | 'INVITED' | 'SUSPENDED' | 'LOCKED';
  /** [tenant, [product, role index, status]] */
  roles: Array<[{ id: string; name: string }, Array<[ProductFx, number, 'ACTIVE' | 'SUSPENDED']>]>;
}

let assignmentSeq = 0;
export function userRow(u: UserFx) {
  return {
    __typename: 'User',
    id: u.id,
    kind: u.kind,
    username: u.username,
    givenName: u.givenName,
    familyName: u.familyName,
    email: u.email,
    taxCode: u.taxCode,
    status: u.status,
    memberships: u.roles.map(([tenant, list], i) => ({
      __typename: 'Membership',
      id: gid('Membership', `${u.id}-${i}`),
      tenant: { __typename: 'Tenant', id: tenant.id, name: tenant.name },
      roleAssignments: list.map(([p, r, status]) => ({
        __typename: 'RoleAssignment',
        id: gid('RoleAssignment', ++assignmentSeq),
        status,
        product: productRef(p),
        role: roleRef(at(p.roles, r)),
      })),
    })),
  };
}

export const ROSSI: UserFx = {
  id: gid('User', 11),
  kind: 'HUMAN',
  username: 'm.rossi',
  givenName: 'Mario',
  familyName: 'Rossi',
  email: 'mario.rossi@provincia.brescia.it',
  taxCode: 'RSSMRA80A01B157Y',
  status: 'ACTIVE',
  roles: [[BRESCIA, [[AREA, 0, 'ACTIVE'], [COB, 0, 'ACTIVE']]]],
};
export const BIANCHI: UserFx = {
  id: gid('User', 12),
  kind: 'HUMAN',
  username: 'l.bianchi',
  givenName: 'Laura',
  familyName: 'Bianchi',
  email: 'laura.bianchi@provincia.brescia.it',
  taxCode: 'BNCLRA85M41B157K',
  status: 'ACTIVE',
  roles: [
    [BRESCIA, [[AREA, 1, 'ACTIVE'], [AREA, 2, 'SUSPENDED']]],
    [CEFALONIA, [[AREA, 1, 'ACTIVE']]],
  ],
};
export const VERDI: UserFx = {
  id: gid('User', 13),
  kind: 'HUMAN',
  username: 'g.verdi',
  givenName: 'Giuseppe',
  familyName: 'Verdi',
  email: null,
  taxCode: 'VRDGPP75C10B157X',
  status: 'INVITED',
  roles: [[CEFALONIA, [[COB, 1, 'SUSPENDED']]]],
};
/** Seen by a restricted viewer (R12): the API returns null personal data. */
export const TECH: UserFx = {
  id: gid('User', 14),
  kind: 'HUMAN',
  username: 'tech.amisgest',
  givenName: null,
  familyName: null,
  email: null,
  taxCode: null,
  status: 'LOCKED',
  roles: [[BRESCIA, [[AMISGEST, 1, 'ACTIVE']]]],
};
export const BOT: UserFx = {
  id: gid('User', 15),
  kind: 'SERVICE',
  username: 'svc.protocollo',
  givenName: 'Protocollo',
  familyName: 'Integrazione',
  email: null,
  taxCode: null,
  status: 'ACTIVE',
  roles: [[BRESCIA, [[COB, 1, 'ACTIVE']]]],
};

export function usersProducts(products: readonly ProductFx[] = PRODUCTS): MockResponse {
  return {
    body: {
      data: {
        products: products.map((p) => ({
          __typename: 'Product',
          id: p.id,
          name: p.name,
          roles: p.roles.map(roleRef),
        })),
      },
    },
  };
}

export function productCatalog(products: readonly ProductFx[] = PRODUCTS): MockResponse {
  return {
    body: {
      data: {
        products: products.map((p) => ({
          __typename: 'Product',
          id: p.id,
          code: p.code,
          name: p.name,
          description: p.description,
          roles: p.roles.map((r) => ({ __typename: 'Role', ...r })),
        })),
      },
    },
  };
}

export function usersList(
  users: readonly UserFx[],
  options: { totalCount?: number; hasNextPage?: boolean; hasPreviousPage?: boolean; page?: string } = {},
): MockResponse {
  const page = options.page ?? 'p1';
  return {
    body: {
      data: {
        users: {
          __typename: 'UserConnection',
          totalCount: options.totalCount ?? users.length,
          pageInfo: {
            __typename: 'PageInfo',
            hasNextPage: options.hasNextPage ?? false,
            hasPreviousPage: options.hasPreviousPage ?? false,
            startCursor: users.length ? `${page}:start` : null,
            endCursor: users.length ? `${page}:end` : null,
          },
          edges: users.map((u, i) => ({ __typename: 'UserEdge', cursor: `${page}:${i}`, node: userRow(u) })),
        },
      },
    },
  };
}

export function viewer(options: { timeZone?: string; language?: string; username?: string } = {}): MockResponse {
  return {
    body: {
      data: {
        viewer: {
          __typename: 'Viewer',
          platformAdmin: false,
          user: {
            __typename: 'User',
            id: gid('User', 1),
            username: options.username ?? 'admin.brescia',
            language: options.language ?? 'it',
            timeZone: options.timeZone ?? 'Europe/Rome',
          },
        },
      },
    },
  };
}

export const graphqlError = (code: string): MockResponse => ({
  body: { data: null, errors: [{ message: code.toLowerCase(), extensions: { code } }] },
});

/** A full profile (UserProfile query) of a user fixture. */
export function userProfile(
  u: UserFx,
  extra: Partial<{ nameVerified: boolean; emailVerified: boolean; phone: string | null; homeTenant: { id: string; name: string } | null; createdAt: string; timeZone: string }> = {},
): MockResponse {
  const row = userRow(u);
  return {
    body: {
      data: {
        node: {
          ...row,
          uid: '4f1c2b9e-7d3a-4c55-9a8e-2f6b1d0c9e11',
          nameVerified: extra.nameVerified ?? false,
          emailVerified: extra.emailVerified ?? true,
          phone: extra.phone ?? null,
          language: 'it',
          timeZone: extra.timeZone ?? 'Europe/Rome',
          version: 3,
          // A viewer who may read but not edit: the mocked profiles show no edit actions.
          viewerCan: {
            __typename: 'UserCapabilities',
            changeStatus: false,
            editIdentity: false,
            editNames: false,
            editPreferences: false,
            resetCredentials: false,
          },
          createdAt: extra.createdAt ?? '2025-01-15T08:30:00Z',
          updatedAt: '2025-03-30T23:30:00Z',
          homeTenant: extra.homeTenant === undefined ? { __typename: 'Tenant', id: BRESCIA.id, name: BRESCIA.name } : extra.homeTenant,
          memberships: u.roles.map(([tenant, list], i) => ({
            __typename: 'Membership',
            id: gid('Membership', `${u.id}-${i}`),
            createdAt: '2025-01-15T08:30:00Z',
            tenant: {
              __typename: 'Tenant',
              id: tenant.id,
              name: tenant.name,
              country: 'IT',
              parent: tenant.id === CEFALONIA.id ? { __typename: 'Tenant', id: BRESCIA.id, name: BRESCIA.name } : null,
            },
            roleAssignments: list.map(([p, r, status]) => {
              const rr = at(p.roles, r);
              return {
                __typename: 'RoleAssignment',
                id: gid('RoleAssignment', ++assignmentSeq),
                status,
                createdAt: '2025-02-03T09:00:00Z',
                product: { __typename: 'Product', id: p.id, code: p.code, name: p.name },
                role: {
                  __typename: 'Role',
                  id: rr.id,
                  code: rr.code,
                  name: rr.name,
                  category: rr.category,
                  requiresNomination: rr.requiresNomination,
                  personalDataAccess: rr.personalDataAccess,
                  requiresSite: rr.requiresSite,
                },
              };
            }),
          })),
        },
      },
    },
  };
}

export interface TenantFx {
  id: string;
  name: string;
  country: string;
  parent: string | null;
  children: number;
  users: number;
}

export function treeItem(t: TenantFx) {
  return {
    __typename: 'Tenant',
    id: t.id,
    name: t.name,
    country: t.country,
    parent: t.parent ? { __typename: 'Tenant', id: t.parent } : null,
    children: { __typename: 'TenantConnection', totalCount: t.children },
    users: { __typename: 'UserConnection', totalCount: t.users },
  };
}

function tenantConnection(items: readonly TenantFx[], options: { totalCount?: number; hasNextPage?: boolean; endCursor?: string } = {}) {
  return {
    __typename: 'TenantConnection',
    totalCount: options.totalCount ?? items.length,
    pageInfo: { __typename: 'PageInfo', hasNextPage: options.hasNextPage ?? false, endCursor: options.endCursor ?? null },
    nodes: items.map(treeItem),
  };
}

export function tenantRoots(items: readonly TenantFx[], options: { totalCount?: number; hasNextPage?: boolean; endCursor?: string } = {}): MockResponse {
  return { body: { data: { tenants: tenantConnection(items, options) } } };
}

export function tenantChildren(parentId: string, items: readonly TenantFx[]): MockResponse {
  return {
    body: { data: { node: { __typename: 'Tenant', id: parentId, children: tenantConnection(items) } } },
  };
}

export function tenantName(id: string, name: string): MockResponse {
  return { body: { data: { node: { __typename: 'Tenant', id, name } } } };
}

/** The profile's side queries (failed sign-ins, nominations), answered empty. */
export const PROFILE_SIDE_QUERIES = {
  FailedLogins: (variables: Record<string, unknown>): MockResponse => ({
    body: {
      data: {
        node: {
          __typename: 'User',
          id: String(variables['id'] ?? ''),
          username: 'user',
          failedLogins: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
        },
      },
    },
  }),
  Nominations: (): MockResponse => ({ body: { data: { nominations: { totalCount: 0, nodes: [] } } } }),
};
