import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';

/**
 * Where the setup page and "session expired" errors send people. The login
 * form needs the login API (issue 3, not in the schema yet); until then the
 * page says so instead of offering a form that cannot work.
 */
export function LoginPage() {
  const { t } = useI18n();
  useDocumentTitle(t('login.title'));
  return (
    <section data-testid="login-page" aria-labelledby="page-heading">
      <PageHeading>{t('login.title')}</PageHeading>
      <p className="notice" data-testid="login-unavailable">
        {t('login.unavailable')}
      </p>
    </section>
  );
}
