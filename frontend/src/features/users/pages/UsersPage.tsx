import { useCallback, useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { getFragmentData } from '../../../gql';
import { useI18n } from '../../../i18n/context';
import { pluralForm } from '../../../lib/plural';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { UsersFilters } from '../components/UsersFilters';
import { TeamView } from '../components/TeamView';
import { UsersTable } from '../components/UsersTable';
import { groupUsersByProduct } from '../grouping';
import {
  parseUsersParams,
  toSearchParams,
  usersListVariables,
  withFilters,
  withoutFilters,
  withPage,
  withTab,
  withView,
  type UsersFilterPatch,
  type UsersListParams,
} from '../listParams';
import { UserListRowFragment, UsersListQuery, UsersProductsQuery, UsersTenantQuery } from '../operations';
import { useViewerState } from '../../../app/viewer';
import { useLiveRefetch } from '../useLiveRefetch';

/**
 * Users list (R21): two views of the same list, chosen in the URL
 * (`view=team`). "Tutti" (seed 001 "Utenti") groups a page of users by
 * product in collapsible sections with counts, only the products someone
 * holds a role on, and no section chrome when there is one; a product tab
 * lists one product. "Team" (seed 003) is one row per person, sorted by the
 * server, with a row menu. Filters, order and paging live in the URL.
 */
export function UsersPage() {
  const { t, locale } = useI18n();
  const { viewer, loading: viewerLoading } = useViewerState();
  useDocumentTitle(t('users.title'));
  const [searchParams, setSearchParams] = useSearchParams();
  const params = useMemo(() => parseUsersParams(searchParams), [searchParams]);
  const region = useRef<HTMLDivElement>(null);
  const headingPrefix = useId();

  const go = useCallback(
    (next: UsersListParams, options: { replace?: boolean; focus?: boolean } = {}) => {
      setSearchParams(toSearchParams(next), { replace: options.replace ?? false });
      if (options.focus) region.current?.focus();
    },
    [setSearchParams],
  );
  const onFilter = useCallback(
    (patch: UsersFilterPatch, options?: { replace?: boolean }) => go(withFilters(params, patch), options),
    [go, params],
  );

  const [products] = useQuery({ query: UsersProductsQuery });
  const [tenant] = useQuery({
    query: UsersTenantQuery,
    variables: { id: params.tenant ?? '' },
    pause: !params.tenant,
  });
  const variables = useMemo(() => usersListVariables(params), [params]);
  const team = params.view === 'team';
  const [list, reexecute] = useQuery({ query: UsersListQuery, variables, pause: team });
  const retry = (): void => reexecute({ requestPolicy: 'network-only' });
  // Another administrator's changes show here live (R28).
  const [liveNote, setLiveNote] = useState('');
  const [controlsOpen, setControlsOpen] = useState(false);
  const refetchList = useCallback(() => {
    if (team) return; // the Team view reads its own page again
    reexecute({ requestPolicy: 'network-only' });
    setLiveNote(t('live.listUpdated', { time: new Date().toLocaleTimeString() }));
  }, [reexecute, t, team]);
  useLiveRefetch(refetchList);

  const catalog = products.data?.products;
  // A tenant's list shows only the products it has joined (seed 001); across tenants, the catalog.
  const joined = tenant.data?.node?.__typename === 'Tenant' ? tenant.data.node.products : undefined;
  const productList = useMemo(
    () => (catalog ?? []).filter((p) => !joined || joined.some((j) => j.id === p.id) || p.id === params.product),
    [catalog, joined, params.product],
  );
  const currentProduct = params.product ? productList.find((p) => p.id === params.product) : undefined;
  const tenantName = tenant.data?.node?.__typename === 'Tenant' ? tenant.data.node.name : undefined;

  const connection = list.data?.users;
  const users = useMemo(
    () => connection?.edges.map((e) => getFragmentData(UserListRowFragment, e.node)) ?? [],
    [connection],
  );
  const groups = useMemo(
    () =>
      groupUsersByProduct(users, productList, {
        productId: params.product,
        category: params.category,
        roleId: params.role,
        assignmentStatus: params.roleStatus,
      }),
    [users, productList, params.product, params.category, params.role, params.roleStatus],
  );
  const busy = list.fetching || list.stale;
  const someHidden = users.some((u) => u.givenName === null && u.familyName === null);

  let body;
  if (team) {
    body = <TeamView params={params} go={go} />;
  } else if (!connection) {
    body = list.error ? (
      <QueryError error={list.error} onRetry={retry} testId="users-error" />
    ) : (
      <p role="status" className="loading page-pending" data-testid="users-loading">
        {list.fetching ? t('users.loading') : ''}
      </p>
    );
  } else if (users.length === 0) {
    body = (
      <div className="empty" data-testid="users-empty">
        <p>{params.q || params.role || params.category || params.status || params.roleStatus || params.tenant ? t('users.empty') : t('users.emptyAll')}</p>
      </div>
    );
  } else {
    const total = connection.totalCount;
    const { pageInfo } = connection;
    body = (
      <>
        {list.error && <QueryError error={list.error} onRetry={retry} testId="users-error" />}
        <p className="list-summary" data-testid="users-summary">
          {t(`users.total.${pluralForm(locale, total)}`, { count: total })}
          {busy && <span className="refreshing"> · {t('users.refreshing')}</span>}
        </p>
        {someHidden && (
          <p className="notice notice-small" data-testid="users-restricted">
            {t('users.restricted')}
          </p>
        )}
        {groups.map((group, i) => {
          const headingId = `${headingPrefix}-group-${i}`;
          const title = group.product ? group.product.name : t('users.group.noRoles');
          const key = group.product?.id ?? 'none';
          // One product (a product tab, or a tenant on one product): a single list, no section chrome (seed 001).
          if (groups.length === 1 && group.product) {
            return (
              <section key={key} className="product-group product-group-single" aria-labelledby={headingId} data-testid="users-group" data-product-id={group.product.id}>
                <h2 id={headingId} className="visually-hidden" data-testid="users-group-title">
                  {title}
                </h2>
                <UsersTable rows={group.rows} labelledBy={headingId} busy={busy} />
              </section>
            );
          }
          return (
            <details
              key={key}
              className="product-group product-section"
              open={i === 0}
              data-testid="users-group"
              data-product-id={group.product?.id ?? ''}
            >
              <summary className="section-summary">
                <h2 id={headingId} className="group-title" data-testid="users-group-title">
                  {title}
                  {' '}
                  <span className="group-count" data-testid="users-group-count">
                    {t(`users.groupCount.${pluralForm(locale, group.rows.length)}`, { count: group.rows.length })}
                  </span>
                </h2>
              </summary>
              <UsersTable rows={group.rows} labelledBy={headingId} busy={busy} />
            </details>
          );
        })}
        {(pageInfo.hasPreviousPage || pageInfo.hasNextPage) && (
          <nav className="pagination" aria-label={t('users.pagination')} data-testid="users-pagination">
            <button
              type="button"
              className="button"
              disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
              onClick={() => {
                if (pageInfo.startCursor) go(withPage(params, { before: pageInfo.startCursor }), { focus: true });
              }}
              data-testid="users-previous"
            >
              {t('pagination.previous')}
            </button>
            <button
              type="button"
              className="button"
              disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
              onClick={() => {
                if (pageInfo.endCursor) go(withPage(params, { after: pageInfo.endCursor }), { focus: true });
              }}
              data-testid="users-next"
            >
              {t('pagination.next')}
            </button>
          </nav>
        )}
      </>
    );
  }

  // Until the viewer (the "Nuovo utente" button), the products and the
  // working tenant's products (the tabs) and the first page of users (not
  // asked in the Team view, which loads its own) are known, a screen-high
  // placeholder holds their place: they arrive together instead of pushing
  // one another down (issue 19.7, CLS). That first full render is deferred,
  // so React renders it in slices instead of one long task that would hold up
  // the browser (TBT).
  const settled =
    !viewerLoading &&
    Boolean(products.data || products.error) &&
    Boolean(!params.tenant || tenant.data || tenant.error) &&
    Boolean(team || list.data || list.error);
  const [shown, setShown] = useState(false);
  if (settled && !shown) setShown(true);
  const ready = useDeferredValue(shown);
  if (!ready) {
    return (
      <section data-testid="users-page" aria-labelledby="page-heading">
        <PageHeading>{t('users.title')}</PageHeading>
        <p role="status" className="visually-hidden" data-testid="users-live-status" />
        <p className="lead">{t('users.intro')}</p>
        {/* Keyed, so that React never reuses it for what comes next; its text is for screen readers only: visible, it moved when the language switched to the viewer's. */}
        <p key="pending" role="status" className="page-pending" data-testid="users-loading">
          <span className="visually-hidden">{t('users.loading')}</span>
        </p>
      </section>
    );
  }

  return (
    <section data-testid="users-page" aria-labelledby="page-heading">
      <PageHeading>{t('users.title')}</PageHeading>
      <p role="status" className="visually-hidden" data-testid="users-live-status">
        {liveNote}
      </p>
      <p className="lead">{t('users.intro')}</p>
      {viewer && (
        <p>
          <Link
            to={params.tenant ? `/users/new?${new URLSearchParams({ tenant: params.tenant }).toString()}` : '/users/new'}
            className="button"
            data-testid="users-add"
          >
            {t('users.add')}
          </Link>
        </p>
      )}

      <nav className="view-switch" aria-label={t('users.view.label')} data-testid="users-view">
        <Link
          to={{ search: toSearchParams(withView(params, undefined)).toString() }}
          aria-current={!team ? 'page' : undefined}
          className="view-switch-option"
          data-testid="users-view-all"
        >
          {t('users.view.all')}
        </Link>
        <Link
          to={{ search: toSearchParams(withView(params, 'team')).toString() }}
          aria-current={team ? 'page' : undefined}
          className="view-switch-option"
          data-testid="users-view-team"
        >
          {t('users.view.team')}
        </Link>
      </nav>

      {/* Narrow screens: products, tenant and filters fold behind this button so that the first screen shows users. */}
      <button
        type="button"
        className="button button-secondary button-small controls-toggle"
        aria-expanded={controlsOpen}
        aria-controls="users-controls"
        onClick={() => setControlsOpen((o) => !o)}
        data-testid="users-controls-toggle"
      >
        {t('users.controls')}
      </button>
      <div id="users-controls" className={`users-controls${controlsOpen ? ' users-controls-open' : ''}`}>
      {!team && (
      <nav className="tabs" aria-label={t('users.tabs.label')} data-testid="users-tabs">
        <ul>
          <li>
            <Link
              to={{ search: toSearchParams(withTab(params, undefined)).toString() }}
              aria-current={!params.product ? 'page' : undefined}
              data-testid="users-tab-all"
            >
              {t('users.tabs.all')}
            </Link>
          </li>
          {productList.map((p) => (
            <li key={p.id}>
              <Link
                to={{ search: toSearchParams(withTab(params, p.id)).toString() }}
                aria-current={params.product === p.id ? 'page' : undefined}
                data-testid="users-tab"
                data-product-id={p.id}
              >
                {p.name}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      )}
      {products.error && !products.data?.products && (
        <QueryError error={products.error} testId="users-products-error" />
      )}

      {params.tenant && (
        <p className="filter-chip" data-testid="users-tenant-filter">
          <span>{t('users.filter.tenant', { name: tenantName ?? '…' })}</span>{' '}
          <Link
            to={{ search: toSearchParams(withFilters(params, { tenant: undefined })).toString() }}
            data-testid="users-tenant-filter-remove"
          >
            {t('users.filter.removeTenant')}
          </Link>
        </p>
      )}
      {params.tenant && (
        <nav className="tenant-links" aria-label={t('users.tenantLinks', { name: tenantName ?? '…' })} data-testid="users-tenant-links">
          {(
            [
              ['/groups', 'nav.groups'],
              ['/service-accounts', 'nav.serviceAccounts'],
              ['/security', 'nav.security'],
              ['/audit', 'nav.audit'],
            ] as const
          ).map(([path, key]) => (
            <Link key={path} to={`${path}?${new URLSearchParams({ tenant: params.tenant ?? '' }).toString()}`}>
              {t(key)}
            </Link>
          ))}
        </nav>
      )}

      <UsersFilters
        params={params}
        products={productList}
        onChange={onFilter}
        onReset={() => go(withoutFilters(params))}
      />
      </div>

      <div
        ref={region}
        tabIndex={-1}
        className="region"
        aria-busy={busy}
        aria-label={currentProduct && !team ? t('users.resultsFor', { product: currentProduct.name }) : t('users.results')}
        role="region"
        data-testid="users-region"
      >
        {body}
      </div>
    </section>
  );
}
