import { useQuery } from 'urql';
import { InfoIcon } from '../../../components/Icons';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { CategoryBadge } from '../../../components/StatusBadge';
import { getFragmentData } from '../../../gql';
import { useI18n } from '../../../i18n/context';
import { productDescription, productName, roleName } from '../../../i18n/productCatalog';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { CatalogRoleFragment, ProductCatalogQuery } from '../operations';

/**
 * The product catalog: each product and its roles, with the category and
 * what granting the role implies (nomination by the legal representative,
 * R20; no personal data, R12; attachment to a site, R12).
 */
export function ProductsPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('products.title'));
  const [{ data, error, fetching }, reexecute] = useQuery({ query: ProductCatalogQuery });

  let body;
  if (!data?.products) {
    body = error ? (
      <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="products-error" />
    ) : (
      <p role="status" className="loading" data-testid="products-loading">
        {fetching ? t('products.loading') : ''}
      </p>
    );
  } else if (data.products.length === 0) {
    body = (
      <p className="empty" data-testid="products-empty">
        {t('products.empty')}
      </p>
    );
  } else {
    body = (
      <div className="product-list">
        {data.products.map((product) => {
          const headingId = `product-${product.code}`;
          return (
            <section
              key={product.id}
              className="card"
              aria-labelledby={headingId}
              data-testid="product"
              data-product-code={product.code}
            >
              <h2 id={headingId} data-testid="catalog-product-name">
                {productName(locale, product)}
              </h2>
              <p className="muted small">
                {t('products.code')} <code>{product.code}</code>
              </p>
              {product.singleLevel && (
                <p className="notice notice-small" data-testid="product-single-level">
                  <span className="badge badge-info badge-inline">{t('level.singleLevel')}</span> {t('level.singleLevelHint')}
                </p>
              )}
              {product.description && <p data-testid="product-description">{productDescription(locale, product)}</p>}
              <table className="data-table" aria-labelledby={headingId}>
                <thead>
                  <tr>
                    <th scope="col">{t('products.column.role')}</th>
                    <th scope="col">{t('products.column.category')}</th>
                    <th scope="col">{t('products.column.notes')}</th>
                    <th scope="col">{t('products.column.permissions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {product.roles.map((ref) => {
                    const role = getFragmentData(CatalogRoleFragment, ref);
                    return (
                      <tr key={role.id} data-testid="product-role" data-role-code={role.code}>
                        <th scope="row" data-testid="product-role-name">
                          {roleName(locale, role)}
                        </th>
                        <td data-label={t('products.column.category')}>
                          <CategoryBadge category={role.category} />
                        </td>
                        <td data-label={t('products.column.notes')}>
                          <ul className="chips">
                            {role.requiresNomination && (
                              <li className="badge badge-admin" title={t('role.requiresNominationHint')} data-testid="badge-nomination">
                                <InfoIcon /> {t('role.requiresNomination')}
                              </li>
                            )}
                            {!role.personalDataAccess && (
                              <li className="badge badge-warn" title={t('role.noPersonalDataHint')} data-testid="badge-no-personal-data">
                                {t('role.noPersonalData')}
                              </li>
                            )}
                            {role.requiresSite && (
                              <li className="badge badge-info" title={t('role.requiresSiteHint')} data-testid="badge-requires-site">
                                {t('role.requiresSite')}
                              </li>
                            )}
                            {role.personalDataAccess && !role.requiresNomination && !role.requiresSite && (
                              <li className="muted">{t('role.noNotes')}</li>
                            )}
                          </ul>
                        </td>
                        <td data-label={t('products.column.permissions')}>
                          <ul className="permission-list">
                            {role.permissions.map((p) => (
                              <li key={p}>
                                <code>{p}</code>
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          );
        })}
      </div>
    );
  }

  return (
    <section data-testid="products-page" aria-labelledby="page-heading">
      <PageHeading>{t('products.title')}</PageHeading>
      <p className="lead">{t('products.intro')}</p>
      <div className="region">{body}</div>
    </section>
  );
}
