import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { useViewer } from '../../../app/viewer';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { TenantPicker } from '../../../components/TenantPicker';
import type { FailedLoginFilter, TenantFailedLoginsQuery as FailedLoginsData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { pluralForm } from '../../../lib/plural';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import {
  EMPTY_FAILED_LOGIN_PARAMS,
  failedLoginFilter,
  failedLoginsCsvUrl,
  paramOfField,
  readFailedLoginParams,
  writeFailedLoginParams,
  type FailedLoginParams,
} from '../failedLoginParams';
import { inputError } from '../inputErrors';
import { FailedLoginsUserQuery, TenantFailedLoginsQuery } from '../operations';

const PAGE_SIZE = 10;
const OPERATING_SYSTEMS = ['Windows', 'macOS', 'Linux', 'Android', 'iOS', 'ChromeOS'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera'];

type Connection = Extract<NonNullable<FailedLoginsData['node']>, { __typename: 'Tenant' }>['failedLogins'];

/**
 * `/failed-logins?tenant=…` (issue 16.6, R23): a tenant's failed sign-ins,
 * newest first, filtered by period, user, operating system, browser and IP
 * (all in the URL); "show more" pages on with the cursor; the same list as
 * CSV from the server. A filter the API refuses (INVALID_FILTER) is
 * explained next to it.
 */
export function FailedLoginsPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('tenantFailedLogins.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const zone = useViewer()?.user.timeZone;
  const params = readFailedLoginParams(location.search);
  const key = location.search;
  const [draft, setDraft] = useState(params);
  useEffect(() => setDraft(readFailedLoginParams(key)), [key]);
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors([]), [key]);
  const formId = useId();
  const filter = failedLoginFilter(params, zone);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: TenantFailedLoginsQuery,
    variables: { tenantId: params.tenant, first: PAGE_SIZE, filter },
    pause: params.tenant === '',
    requestPolicy: 'cache-and-network',
  });
  const tenant = data?.node?.__typename === 'Tenant' ? data.node : undefined;
  const refused = inputError(error);
  const refusedParam = refused ? paramOfField(refused.field) : '';
  const filterError = (name: keyof FailedLoginParams): string | undefined =>
    refusedParam === name ? (refused?.reason === 'INVALID_FILTER' ? t(`tenantFailedLogins.invalid.${name === 'to' ? 'to' : name === 'ip' ? 'ip' : 'other'}`) : refused?.message) : undefined;

  const apply = (next: FailedLoginParams): void => {
    void navigate({ pathname: '/failed-logins', search: writeFailedLoginParams(next) });
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    apply(draft);
  };

  /** One filter input with its error: text (with suggestions) or a local date and time. */
  const field = (
    name: 'from' | 'to' | 'os' | 'browser' | 'ip',
    label: string,
    opts: { type?: 'datetime-local'; suggestions?: string[]; placeholder?: string } = {},
  ): ReactNode => {
    const err = filterError(name);
    const id = `${formId}-${name}`;
    const { type, suggestions, placeholder } = opts;
    return (
      <div className={`field${err ? ' field-invalid' : ''}`}>
        <label htmlFor={id}>{label}</label>
        {err && (
          <p className="field-error" id={`${id}-error`} data-testid={`failed-filter-${name}-error`}>
            <span className="visually-hidden">{t('form.errorPrefix')} </span>
            {err}
          </p>
        )}
        <input
          id={id}
          type={type}
          value={draft[name]}
          onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
          list={suggestions ? `${id}-list` : undefined}
          placeholder={placeholder}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-error` : undefined}
          data-testid={`failed-filter-${name}`}
        />
        {suggestions && (
          <datalist id={`${id}-list`}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        )}
      </div>
    );
  };

  let body: ReactNode;
  if (!params.tenant) {
    body = <p className="empty">{t('common.noTenant')}</p>;
  } else if (error && !refusedParam) {
    body = <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="tenant-failed-logins-error" />;
  } else if (refusedParam) {
    body = null;
  } else if (!tenant) {
    body = (
      <p role="status" className="loading">
        {fetching ? t('common.working') : data ? t('error.NOT_FOUND') : ''}
      </p>
    );
  } else {
    const list = tenant.failedLogins;
    body = (
      <>
        <p className="muted small" role="status" data-testid="tenant-failed-logins-count" data-count={list.totalCount}>
          {t(`failedLogins.count.${pluralForm(locale, list.totalCount)}`, { count: list.totalCount })}
        </p>
        <p>
          <a href={failedLoginsCsvUrl(params, zone)} download data-testid="tenant-failed-logins-csv">
            {t('tenantFailedLogins.csv')}
          </a>
        </p>
        {list.totalCount === 0 ? (
          <p className="empty" data-testid="tenant-failed-logins-empty">
            {t('failedLogins.none')}
          </p>
        ) : (
          <table className="data-table" data-testid="tenant-failed-logins">
            <thead>
              <tr>
                <th scope="col">{t('failedLogins.at')}</th>
                <th scope="col">{t('profile.username')}</th>
                <th scope="col">{t('sessions.ip')}</th>
                <th scope="col">{t('failedLogins.device')}</th>
                <th scope="col">{t('failedLogins.reason')}</th>
              </tr>
            </thead>
            <Rows list={list} onUser={(user) => apply({ ...params, user })} />
            {cursors.map((c, i) => (
              <MoreRows
                key={c}
                tenantId={params.tenant}
                filter={filter}
                after={c}
                onUser={(user) => apply({ ...params, user })}
                onMore={(next) => setCursors((all) => [...all.slice(0, i + 1), next])}
                last={i === cursors.length - 1}
              />
            ))}
          </table>
        )}
        {cursors.length === 0 && list.pageInfo.hasNextPage && list.pageInfo.endCursor && (
          <MoreButton onClick={() => setCursors([list.pageInfo.endCursor ?? ''])} />
        )}
      </>
    );
  }

  return (
    <section data-testid="tenant-failed-logins-page" aria-labelledby="page-heading">
      {params.tenant && (
        <p className="breadcrumb">
          <Link to={`/security?${new URLSearchParams({ tenant: params.tenant }).toString()}`} data-testid="tenant-failed-logins-back">
            ← {t('nav.security')}
          </Link>
        </p>
      )}
      <PageHeading>{tenant ? t('tenantFailedLogins.titleOf', { tenant: tenant.name }) : t('tenantFailedLogins.title')}</PageHeading>
      <p className="lead">{t('tenantFailedLogins.intro')}</p>
      <form className="filters form-grid" onSubmit={onSubmit} aria-label={t('audit.filters')} data-testid="tenant-failed-logins-filters">
        <TenantPicker value={draft.tenant} onChange={(tenantId) => setDraft({ ...draft, tenant: tenantId })} testId="failed-filter-tenant" />
        {field('from', t('audit.from'), { type: 'datetime-local' })}
        {field('to', t('audit.to'), { type: 'datetime-local' })}
        {field('os', t('tenantFailedLogins.os'), { suggestions: OPERATING_SYSTEMS })}
        {field('browser', t('tenantFailedLogins.browser'), { suggestions: BROWSERS })}
        {field('ip', t('tenantFailedLogins.ip'), { placeholder: '203.0.113.0/24' })}
        <div className="form-actions">
          <button type="submit" className="button" data-testid="failed-filter-apply">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => apply({ ...EMPTY_FAILED_LOGIN_PARAMS, tenant: params.tenant })}
            data-testid="failed-filter-clear"
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      {params.user && <UserChip userId={params.user} onRemove={() => apply({ ...params, user: '' })} />}
      {body}
    </section>
  );
}

function UserChip({ userId, onRemove }: { userId: string; onRemove: () => void }) {
  const { t } = useI18n();
  const [{ data }] = useQuery({ query: FailedLoginsUserQuery, variables: { id: userId } });
  const name = data?.node?.__typename === 'User' ? data.node.username : userId;
  return (
    <ul className="chips" aria-label={t('audit.activeFilters')} data-testid="failed-filter-chips">
      <li className="chip" data-testid="failed-filter-user">
        {t('tenantFailedLogins.ofUser', { user: name })}{' '}
        <button type="button" className="chip-remove" onClick={onRemove} aria-label={t('audit.removeFilter')} data-testid="failed-filter-user-remove">
          ×
        </button>
      </li>
    </ul>
  );
}

function Rows({ list, onUser }: { list: Connection; onUser: (userId: string) => void }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  return (
    <tbody>
      {list.nodes.map((f, i) => (
        <tr key={`${f.at}-${i}`} data-testid="tenant-failed-login" data-username={f.user?.username ?? ''}>
          <td>
            <time dateTime={f.at}>{fmt.dateTime(f.at)}</time>
          </td>
          <td>
            {f.user ? (
              <>
                <Link to={`/users/${encodeURIComponent(f.user.id)}`}>{f.user.username}</Link>{' '}
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => f.user && onUser(f.user.id)}
                  data-testid="failed-login-filter-user"
                >
                  {t('tenantFailedLogins.onlyUser')}
                </button>
              </>
            ) : (
              <span className="muted">{t('tenantFailedLogins.userHidden')}</span>
            )}
          </td>
          <td className="mono small">{f.ip}</td>
          <td title={f.userAgent}>{t('sessions.browserOn', { browser: f.browser, os: f.operatingSystem })}</td>
          <td>{t(f.reason === 'TOTP_INVALID' ? 'failedLogins.reason.totp' : 'failedLogins.reason.password')}</td>
        </tr>
      ))}
    </tbody>
  );
}

function MoreButton({ onClick }: { onClick: () => void }) {
  const { t } = useI18n();
  return (
    <p className="pagination">
      <button type="button" className="button button-secondary" onClick={onClick} data-testid="tenant-failed-logins-more">
        {t('common.loadMore')}
      </button>
    </p>
  );
}

interface MoreProps {
  tenantId: string;
  filter: FailedLoginFilter;
  after: string;
  onUser: (userId: string) => void;
  onMore: (cursor: string) => void;
  last: boolean;
}

/** A further page, as a table body of its own; the last one offers the next. */
function MoreRows({ tenantId, filter, after, onUser, onMore, last }: MoreProps) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: TenantFailedLoginsQuery, variables: { tenantId, first: PAGE_SIZE, after, filter } });
  const list = data?.node?.__typename === 'Tenant' ? data.node.failedLogins : undefined;
  if (!list) {
    return (
      <tbody>
        <tr>
          <td colSpan={5} role="status">
            {error ? t('error.UNKNOWN') : fetching ? t('common.working') : ''}
          </td>
        </tr>
      </tbody>
    );
  }
  return (
    <>
      <Rows list={list} onUser={onUser} />
      {last && list.pageInfo.hasNextPage && list.pageInfo.endCursor && (
        <tbody>
          <tr>
            <td colSpan={5}>
              <MoreButton onClick={() => onMore(list.pageInfo.endCursor ?? '')} />
            </td>
          </tr>
        </tbody>
      )}
    </>
  );
}
