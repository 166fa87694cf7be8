import type { MockResponse, OperationData, OperationVariables, Unmasked } from './graphql';
import type { TenantTreeItemFragment, UserListRowFragment } from '../../src/gql/graphql';

/**
 * GraphQL responses for the mocked specs: states the real server cannot be
 * put in from a browser test (see each spec). Each answer is typed by the
 * generated document of its operation (OperationData<'X'>, from
 * src/features/<feature>/operations.ts through `npm run codegen`): a schema
 * or operation change that a fixture does not follow fails the type check.
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
  /** A product whose roles have no levels (defaults to false). */
  singleLevel?: boolean;
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
export function userRow(u: UserFx): Unmasked<UserListRowFragment> {
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

export function usersProducts(products: readonly ProductFx[] = PRODUCTS): MockResponse<OperationData<'UsersProducts'>> {
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

export function productCatalog(products: readonly ProductFx[] = PRODUCTS): MockResponse<OperationData<'ProductCatalog'>> {
  return {
    body: {
      data: {
        products: products.map((p) => ({
          __typename: 'Product',
          id: p.id,
          code: p.code,
          name: p.name,
          description: p.description,
          singleLevel: p.singleLevel ?? false,
          roles: p.roles.map((r) => ({ __typename: 'Role', ...r })),
        })),
      },
    },
  };
}

export function usersList(
  users: readonly UserFx[],
  options: { totalCount?: number; hasNextPage?: boolean; hasPreviousPage?: boolean; page?: string } = {},
): MockResponse<OperationData<'UsersList'>> {
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

export function viewer(options: { timeZone?: string; language?: string; username?: string } = {}): MockResponse<OperationData<'Viewer'>> {
  return {
    body: {
      data: {
        viewer: {
          __typename: 'Viewer',
          platformAdmin: false,
          secondFactorEnrollmentRequired: false,
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

/**
 * A root field that failed, as the server answers it: that field null in
 * `data`, with the error at its path. Only a nullable root field can answer
 * so: the type check refuses it for a non-null one.
 */
export function graphqlError<F extends string>(code: string, field: F): MockResponse<Record<F, null>> {
  return {
    body: {
      data: { [field]: null } as Record<F, null>,
      errors: [{ message: code.toLowerCase(), path: [field], extensions: { code } }],
    },
  };
}

/** A full profile (UserProfile query) of a user fixture. */
export function userProfile(
  u: UserFx,
  extra: Partial<{ nameVerified: boolean; emailVerified: boolean; phone: string | null; homeTenant: { id: string; name: string } | null; createdAt: string; timeZone: string }> = {},
): MockResponse<OperationData<'UserProfile'>> {
  const row = userRow(u);
  return {
    body: {
      data: {
        node: {
          ...row,
          __typename: 'User',
          uid: '4f1c2b9e-7d3a-4c55-9a8e-2f6b1d0c9e11',
          nameVerified: extra.nameVerified ?? false,
          emailVerified: extra.emailVerified ?? true,
          phone: extra.phone ?? null,
          gender: null,
          birthDate: null,
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
            // Read-only: nothing to give, detach or manage.
            assignableProducts: [],
            viewerCanDetach: false,
            products: [...new Set(list.map(([p]) => p))].map((p) => ({
              product: { __typename: 'Product', id: p.id },
              groups: [],
              assignableGroups: [],
              viewerCanManage: false,
              assignableRoles: [],
              assignableLevels: [],
            })),
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
                viewerCanManage: false,
                product: { __typename: 'Product', id: p.id, code: p.code, name: p.name, singleLevel: p.singleLevel ?? false },
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

export function treeItem(t: TenantFx): Unmasked<TenantTreeItemFragment> {
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

/** The connection of TenantRoots and VisibleTenants (the same selection). */
type TenantPage = NonNullable<OperationData<'TenantRoots'>['tenants']> & NonNullable<OperationData<'VisibleTenants'>['tenants']>;

function tenantConnection(items: readonly TenantFx[], options: { totalCount?: number; hasNextPage?: boolean; endCursor?: string } = {}): TenantPage {
  return {
    __typename: 'TenantConnection',
    totalCount: options.totalCount ?? items.length,
    pageInfo: { __typename: 'PageInfo', hasNextPage: options.hasNextPage ?? false, endCursor: options.endCursor ?? null },
    nodes: items.map(treeItem),
  };
}

export function tenantRoots(
  items: readonly TenantFx[],
  options: { totalCount?: number; hasNextPage?: boolean; endCursor?: string } = {},
): MockResponse<OperationData<'TenantRoots'> & OperationData<'VisibleTenants'>> {
  return { body: { data: { tenants: tenantConnection(items, options) } } };
}

export function tenantChildren(parentId: string, items: readonly TenantFx[]): MockResponse<OperationData<'TenantChildren'>> {
  return {
    body: { data: { node: { __typename: 'Tenant', id: parentId, children: tenantConnection(items) } } },
  };
}

export function tenantName(id: string, name: string, products: readonly ProductFx[] = PRODUCTS): MockResponse<OperationData<'UsersTenant'>> {
  return { body: { data: { node: { __typename: 'Tenant', id, name, products: products.map((p) => ({ __typename: 'Product', id: p.id })) } } } };
}

/** The profile's side queries (failed sign-ins, nominations), answered empty. */
export const PROFILE_SIDE_QUERIES = {
  FailedLogins: (variables: OperationVariables<'FailedLogins'>): MockResponse<OperationData<'FailedLogins'>> => ({
    body: {
      data: {
        node: {
          __typename: 'User',
          id: String(variables.id),
          username: 'user',
          failedLogins: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
        },
      },
    },
  }),
  Nominations: (): MockResponse<OperationData<'Nominations'>> => ({ body: { data: { nominations: { totalCount: 0, nodes: [] } } } }),
};
