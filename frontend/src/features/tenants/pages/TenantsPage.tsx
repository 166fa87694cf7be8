import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { CreateTenantForm } from '../components/CreateTenantForm';
import { TenantTree } from '../components/TenantTree';

/** The tenants the viewer may see, as a tree; each one leads to its users. */
export function TenantsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('tenants.title'));
  return (
    <section data-testid="tenants-page" aria-labelledby="page-heading">
      <PageHeading>{t('tenants.title')}</PageHeading>
      <p className="lead">{t('tenants.intro')}</p>
      <CreateTenantForm />
      <p className="field-hint" id="tenant-tree-help" data-testid="tenant-tree-help">
        {t('tenants.tree.help')}
      </p>
      <div className="region" data-testid="tenants-region">
        <TenantTree />
      </div>
    </section>
  );
}
