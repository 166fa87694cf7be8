import { Link } from 'react-router';
import { useI18n } from '../../../i18n/context';
import { MonthlyDigestCard } from './MonthlyDigestCard';
import { PasswordLifetimeCard } from './PasswordLifetimeCard';

/**
 * The tenant's own security settings and records on its security page
 * (issue 16): password lifetime, failed sign-ins, monthly digest preview
 * (full width: its table has four columns).
 */
export function TenantSecuritySection({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  return (
    <div data-testid="tenant-security-settings">
      <div className="card-grid">
        <PasswordLifetimeCard tenantId={tenantId} />
        <section className="card" aria-labelledby="tenant-failed-logins-heading">
          <h2 id="tenant-failed-logins-heading">{t('failedLogins.title')}</h2>
          <p className="muted small">{t('tenantFailedLogins.linkHint')}</p>
          <p>
            <Link to={`/failed-logins?${new URLSearchParams({ tenant: tenantId }).toString()}`} data-testid="tenant-failed-logins-link">
              {t('tenantFailedLogins.open')}
            </Link>
          </p>
        </section>
      </div>
      <MonthlyDigestCard tenantId={tenantId} />
    </div>
  );
}
