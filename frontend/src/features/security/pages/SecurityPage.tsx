import { useCallback } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { PersonalValue } from '../../../components/PersonalValue';
import { QueryError } from '../../../components/QueryError';
import { UserStatusBadge } from '../../../components/StatusBadge';
import { TenantScopedPage } from '../../../components/TenantScopedPage';
import { getFragmentData } from '../../../gql';
import type { SecurityFindingListFragment as FindingList } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { displayName } from '../../users/grouping';
import { useLiveRefetch } from '../../users/useLiveRefetch';
import { TenantSecuritySection } from '../../tenantSecurity/components/TenantSecuritySection';
import { SecurityFindingListFragment, SecurityFindingsQuery } from '../operations';
import { reportUrl } from '../reports';

const CATEGORIES = ['notActivated', 'blocked', 'locked', 'suspended'] as const;

/**
 * `/security?tenant=…` (R22, R24): the tenant's members not activated,
 * blocked, locked and suspended, each with the reasons; and the CSV reports
 * of users and permissions, downloaded from the server's report endpoints.
 */
export function SecurityPage() {
  const { t } = useI18n();
  return (
    <TenantScopedPage path="/security" title={t('security.title')} intro={t('security.intro')} testId="security-page" pickerTestId="security-tenant">
      {(tenantId) => (
        <>
          <Findings tenantId={tenantId} />
          <TenantSecuritySection tenantId={tenantId} />
        </>
      )}
    </TenantScopedPage>
  );
}

function Findings({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: SecurityFindingsQuery,
    variables: { tenantId },
    requestPolicy: 'cache-and-network',
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useLiveRefetch(refetch, (e) => !e.subjectType || e.subjectType === 'User' || e.subjectType === 'RoleAssignment' || e.subjectType === 'Membership');
  if (error) return <QueryError error={error} onRetry={refetch} testId="security-error" />;
  const findings = data?.securityFindings;
  if (!findings) {
    return (
      <p role="status" className="loading">
        {fetching ? t('common.working') : ''}
      </p>
    );
  }
  return (
    <>
      <section className="card" aria-labelledby="reports-heading" data-testid="reports">
        <h2 id="reports-heading">{t('reports.title')}</h2>
        <p className="muted small">{t('reports.intro', { tenant: findings.tenant.name })}</p>
        <ul className="plain-list">
          <li>
            <a href={reportUrl('users', tenantId)} download data-testid="report-users">
              {t('reports.users')}
            </a>
          </li>
          <li>
            <a href={reportUrl('permissions', tenantId)} download data-testid="report-permissions">
              {t('reports.permissions')}
            </a>
          </li>
        </ul>
      </section>
      <div className="card-grid">
        {CATEGORIES.map((c) => (
          <FindingCategory key={c} category={c} list={getFragmentData(SecurityFindingListFragment, findings[c])} />
        ))}
      </div>
    </>
  );
}

function FindingCategory({ category, list }: { category: (typeof CATEGORIES)[number]; list: FindingList }) {
  const { t } = useI18n();
  const headingId = `findings-${category}`;
  return (
    <section className="card" aria-labelledby={headingId} data-testid={`findings-${category}`} data-count={list.totalCount}>
      <h2 id={headingId}>
        {t(`security.${category}`)} <span className="badge badge-neutral">{list.totalCount}</span>
      </h2>
      <p className="muted small">{t(`security.${category}Hint`)}</p>
      {list.nodes.length === 0 ? (
        <p className="empty">{t('security.none')}</p>
      ) : (
        <ul className="plain-list">
          {list.nodes.map((f) => (
            <li key={f.user.id} data-testid="finding" data-username={f.user.username}>
              <Link to={`/users/${encodeURIComponent(f.user.id)}`}>{f.user.username}</Link>{' '}
              <span className="muted">
                <PersonalValue value={displayName(f.user)} />
              </span>{' '}
              <UserStatusBadge status={f.user.status} />
              <div className="small">
                {f.reasons.map((r) => (
                  <span key={r} className="badge badge-warn badge-inline" data-testid="finding-reason" data-reason={r}>
                    {t(`security.reason.${r}`)}
                  </span>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
      {list.totalCount > list.nodes.length && <p className="muted small">{t('security.more', { shown: list.nodes.length, total: list.totalCount })}</p>}
    </section>
  );
}
