import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { QueryError } from '../../../components/QueryError';
import { useI18n } from '../../../i18n/context';
import { defaultDigestPeriod, digestMonths, monthLabel } from '../digest';
import { inputError } from '../inputErrors';
import { MonthlyDigestQuery } from '../operations';

/**
 * The monthly digest preview (issue 16.5, R25): a month (default the last
 * one that ended; the month under way "so far"), and what its email says per
 * product (added, no longer active, inactive for 30 days with their
 * usernames), whether and where it was sent, and the email's text. Nothing
 * is sent from here.
 */
export function MonthlyDigestCard({ tenantId }: { tenantId: string }) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const id = useId();
  const months = useMemo(() => digestMonths(new Date()), []);
  const [period, setPeriod] = useState(() => defaultDigestPeriod(new Date()));
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: MonthlyDigestQuery,
    variables: { tenantId, period },
    requestPolicy: 'cache-and-network',
  });
  const digest = data?.node?.__typename === 'Tenant' ? data.node.monthlyDigest : undefined;
  const refused = inputError(error);
  const periodError = refused?.field === 'period' ? t('digest.invalidPeriod') : undefined;

  return (
    <section className="card" aria-labelledby="digest-heading" data-testid="monthly-digest" aria-busy={fetching}>
      <h2 id="digest-heading">{t('digest.title')}</h2>
      <p className="muted small">{t('digest.intro')}</p>
      <div className={`field${periodError ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-month`}>{t('digest.month')}</label>
        {periodError && (
          <p className="field-error" id={`${id}-error`} data-testid="digest-period-error">
            {periodError}
          </p>
        )}
        <select
          id={`${id}-month`}
          value={period}
          onChange={(e) => setPeriod(e.target.value)}
          aria-describedby={periodError ? `${id}-error` : undefined}
          data-testid="digest-month"
        >
          {months.map((m) => (
            <option key={m.period} value={m.period}>
              {m.current ? t('digest.soFar', { month: monthLabel(m.period, locale) }) : monthLabel(m.period, locale)}
            </option>
          ))}
        </select>
      </div>
      {error && !periodError ? (
        <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="digest-error" />
      ) : !digest || digest.period !== period ? (
        <p role="status" className="loading" data-testid="digest-loading">
          {fetching ? t('common.working') : ''}
        </p>
      ) : (
        <div data-testid="digest-body" data-period={digest.period} data-complete={String(digest.complete)}>
          <p className="small" data-testid="digest-until">
            {digest.complete
              ? t('digest.complete', { month: monthLabel(digest.period, locale) })
              : t('digest.partial', { until: fmt.dateTime(digest.until) })}
          </p>
          <p className="small" data-testid="digest-sent">
            {digest.sentAt
              ? digest.sentTo
                ? t('digest.sentTo', { to: digest.sentTo, at: fmt.dateTime(digest.sentAt) })
                : t('digest.sentNoAddress', { at: fmt.dateTime(digest.sentAt) })
              : t('digest.notSent')}
          </p>
          {digest.products.length === 0 ? (
            <p className="empty" data-testid="digest-empty">
              {t('digest.noProducts')}
            </p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('assign.product')}</th>
                  <th scope="col">{t('digest.added')}</th>
                  <th scope="col">{t('digest.noLongerActive')}</th>
                  <th scope="col">{t('digest.inactive')}</th>
                </tr>
              </thead>
              <tbody>
                {digest.products.map((p) => (
                  <tr key={p.product.id} data-testid="digest-product" data-product={p.product.name}>
                    <th scope="row">{p.product.name}</th>
                    <td data-testid="digest-added">{p.added}</td>
                    <td data-testid="digest-no-longer-active">{p.noLongerActive}</td>
                    <td data-testid="digest-inactive">
                      {p.inactive}
                      {p.inactiveUsernames.length > 0 && (
                        <ul className="plain-list small mono" aria-label={t('digest.inactiveUsers')}>
                          {p.inactiveUsernames.map((u) => (
                            <li key={u}>{u}</li>
                          ))}
                          {p.inactive > p.inactiveUsernames.length && (
                            <li className="muted">{t('digest.andMore', { count: p.inactive - p.inactiveUsernames.length })}</li>
                          )}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details data-testid="digest-email">
            <summary>{t('digest.email')}</summary>
            <p className="small">
              <strong>{t('digest.subject')}</strong> <span data-testid="digest-subject">{digest.subject}</span>
            </p>
            <pre className="mail-text" data-testid="digest-text">
              {digest.text}
            </pre>
          </details>
        </div>
      )}
    </section>
  );
}
