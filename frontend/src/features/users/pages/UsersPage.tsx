import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';

/** Placeholder of the users list (R21): search, Nuovo utente, suspension. */
export function UsersPage() {
  const { t } = useI18n();
  useDocumentTitle(t('users.title'));
  return (
    <section data-testid="users-page" aria-labelledby="page-heading">
      <PageHeading>{t('users.title')}</PageHeading>
      <p className="lead">{t('users.intro')}</p>
      <p className="notice" data-testid="users-placeholder">
        {t('users.comingSoon')}
      </p>
    </section>
  );
}
