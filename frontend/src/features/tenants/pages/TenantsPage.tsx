import { useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { getFragmentData } from '../../../gql';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { TenantRowFragment, TenantsPageQuery } from '../operations';

/** Tenants per page. */
export const TENANTS_PAGE_SIZE = 50;

function useCountryName(): (code: string) => string {
  const { locale } = useI18n();
  return useMemo(() => {
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      names = undefined;
    }
    return (code: string) => {
      try {
        return names?.of(code) ?? code;
      } catch {
        return code;
      }
    };
  }, [locale]);
}

/** The tenants the viewer may see, 50 at a time, ordered by name. */
export function TenantsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('tenants.title'));
  const countryName = useCountryName();

  // Cursors of the pages before the current one; the current page starts after the last.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1) ?? null;
  const [{ data, fetching, stale, error }, reexecute] = useQuery({
    query: TenantsPageQuery,
    variables: { first: TENANTS_PAGE_SIZE, after },
  });
  const region = useRef<HTMLDivElement>(null);

  const goTo = (next: string[]): void => {
    setCursors(next);
    region.current?.focus();
  };
  const retry = (): void => reexecute({ requestPolicy: 'network-only' });

  const connection = data?.tenants;
  const rows = connection?.edges.map((edge) => getFragmentData(TenantRowFragment, edge.node)) ?? [];
  const offset = cursors.length * TENANTS_PAGE_SIZE;

  let body;
  if (!connection) {
    body = error ? (
      <QueryError error={error} onRetry={retry} testId="tenants-error" />
    ) : (
      <p role="status" className="loading" data-testid="tenants-loading">
        {fetching ? t('tenants.loading') : ''}
      </p>
    );
  } else if (rows.length === 0 && cursors.length === 0) {
    body = (
      <p className="empty" data-testid="tenants-empty">
        {t('tenants.empty')}
      </p>
    );
  } else {
    body = (
      <>
        {error && <QueryError error={error} onRetry={retry} testId="tenants-error" />}
        <table className="data-table" data-testid="tenants-table" aria-busy={fetching || stale}>
          <caption data-testid="tenants-caption">
            {t('tenants.caption', {
              from: rows.length === 0 ? 0 : offset + 1,
              to: offset + rows.length,
              total: connection.totalCount,
            })}
            {(fetching || stale) && <span className="refreshing"> · {t('tenants.refreshing')}</span>}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('tenants.column.name')}</th>
              <th scope="col">{t('tenants.column.parent')}</th>
              <th scope="col">{t('tenants.column.country')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((tenant) => (
              <tr key={tenant.id} data-testid="tenant-row" data-tenant-id={tenant.id}>
                <th scope="row" data-testid="tenant-name">
                  {tenant.name}
                </th>
                <td data-testid="tenant-parent">
                  {tenant.parent ? tenant.parent.name : <span className="muted">{t('tenants.noParent')}</span>}
                </td>
                <td data-testid="tenant-country" data-country={tenant.country}>
                  {countryName(tenant.country)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {(cursors.length > 0 || connection.pageInfo.hasNextPage) && (
          <nav className="pagination" aria-label={t('tenants.pagination')} data-testid="tenants-pagination">
            <button
              type="button"
              className="button"
              disabled={cursors.length === 0}
              onClick={() => goTo(cursors.slice(0, -1))}
              data-testid="tenants-previous"
            >
              {t('tenants.previous')}
            </button>
            <button
              type="button"
              className="button"
              disabled={!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor}
              onClick={() => {
                const end = connection.pageInfo.endCursor;
                if (end) goTo([...cursors, end]);
              }}
              data-testid="tenants-next"
            >
              {t('tenants.next')}
            </button>
          </nav>
        )}
      </>
    );
  }

  return (
    <section data-testid="tenants-page" aria-labelledby="page-heading">
      <PageHeading>{t('tenants.title')}</PageHeading>
      <p className="lead">{t('tenants.intro')}</p>
      <div ref={region} tabIndex={-1} className="region" data-testid="tenants-region">
        {body}
      </div>
    </section>
  );
}
