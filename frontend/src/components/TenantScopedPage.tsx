import { useCallback, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useQuery, type TypedDocumentNode } from 'urql';
import { useLiveRefetch } from '../features/users/useLiveRefetch';
import { useI18n } from '../i18n/context';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { PageHeading } from './PageHeading';
import { TenantPicker } from './TenantPicker';

interface Props {
  /** The page's path; the chosen tenant goes in its `?tenant=` parameter. */
  path: string;
  title: string;
  intro: string;
  testId: string;
  pickerTestId: string;
  /** The page's body for the chosen tenant; until one is chosen, a hint is shown instead. */
  children: (tenantId: string) => ReactNode;
}

/**
 * The shell of a page about one tenant (`/groups?tenant=…`): heading, intro,
 * a tenant picker that drives `?tenant=` in the URL, and the body for the
 * tenant chosen.
 */
export function TenantScopedPage({ path, title, intro, testId, pickerTestId, children }: Props) {
  const { t } = useI18n();
  useDocumentTitle(title);
  const location = useLocation();
  const navigate = useNavigate();
  const tenantId = new URLSearchParams(location.search).get('tenant') ?? '';
  return (
    <section data-testid={testId} aria-labelledby="page-heading">
      <PageHeading>{title}</PageHeading>
      <p className="lead">{intro}</p>
      <div className="filters">
        <TenantPicker
          value={tenantId}
          onChange={(id) => navigate({ pathname: path, search: id ? `?${new URLSearchParams({ tenant: id })}` : '' })}
          testId={pickerTestId}
        />
      </div>
      {tenantId ? children(tenantId) : <p className="empty">{t('common.noTenant')}</p>}
    </section>
  );
}

/** Stands in for a tenant's data while it loads, or when the tenant is not found. */
export function TenantPending({ fetching, answered }: { fetching: boolean; answered: boolean }) {
  const { t } = useI18n();
  return (
    <p role="status" className="loading">
      {fetching ? t('common.working') : answered ? t('error.NOT_FOUND') : ''}
    </p>
  );
}

/**
 * A page's query about one tenant (`node(id: $tenantId) { ... on Tenant }`),
 * read from the cache and the network, read again on the live events named.
 * `tenant` is set once the answer holds the tenant.
 */
export function useTenantNode<D extends { node: { __typename: string } | null }>(
  query: TypedDocumentNode<D, { tenantId: string | number }>,
  tenantId: string,
  events: ReadonlySet<string>,
) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query, variables: { tenantId }, requestPolicy: 'cache-and-network' });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useLiveRefetch(refetch, () => true, events);
  type Tenant = Extract<NonNullable<D['node']>, { __typename: 'Tenant' }>;
  const tenant = data?.node?.__typename === 'Tenant' ? (data.node as Tenant) : undefined;
  return { tenant, answered: Boolean(data), error, fetching, refetch };
}
