import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { CreateTenantForm } from '../components/CreateTenantForm';
import { TenantTree } from '../components/TenantTree';
import { readTenantSort, TENANT_SORTS, tenantOrder } from '../tenantSort';

/** The tenants the viewer may see, as a tree sorted as chosen (`?sort=`); each one leads to its users. */
export function TenantsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('tenants.title'));
  const id = useId();
  const [search, setSearch] = useSearchParams();
  const sort = readTenantSort(search.get('sort'));
  return (
    <section data-testid="tenants-page" aria-labelledby="page-heading">
      <PageHeading>{t('tenants.title')}</PageHeading>
      <p className="lead">{t('tenants.intro')}</p>
      <div className="field">
        <label htmlFor={`${id}-sort`}>{t('tenants.sort.label')}</label>
        <select
          id={`${id}-sort`}
          value={sort}
          onChange={(e) => {
            const next = new URLSearchParams(search);
            if (e.target.value) next.set('sort', e.target.value);
            else next.delete('sort');
            setSearch(next, { replace: true });
          }}
          data-testid="tenants-sort"
        >
          {TENANT_SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`tenants.sort.${s || 'NAME'}`)}
            </option>
          ))}
        </select>
      </div>
      <CreateTenantForm />
      <p className="field-hint" id="tenant-tree-help" data-testid="tenant-tree-help">
        {t('tenants.tree.help')}
      </p>
      <div className="region" data-testid="tenants-region">
        <TenantTree key={sort} orderBy={tenantOrder(sort)} />
      </div>
    </section>
  );
}
