import type { TenantOrder } from '../../gql/graphql';

/** The orders the tenants tree offers (`?sort=`); '' is by name, A to Z. */
export const TENANT_SORTS = ['', '-NAME', 'COUNTRY', '-CREATED_AT', 'CREATED_AT'] as const;
export type TenantSort = (typeof TENANT_SORTS)[number];

/** The sort of a `?sort=` value; '' (by name) for a missing or unknown one. */
export function readTenantSort(value: string | null): TenantSort {
  return TENANT_SORTS.find((s) => s === value) ?? '';
}

/** The API order of a sort; undefined for the default (by name). */
export function tenantOrder(sort: TenantSort): TenantOrder | undefined {
  if (!sort) return undefined;
  const desc = sort.startsWith('-');
  return { field: sort.replace(/^-/, '') as TenantOrder['field'], direction: desc ? 'DESC' : 'ASC' };
}
