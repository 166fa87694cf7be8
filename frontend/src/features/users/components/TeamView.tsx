import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { CombinedError } from '@urql/core';
import { useDateFormat } from '../../../app/useDateFormat';
import { Ident } from '../../../components/Ident';
import { EmptyValue, PersonalValue } from '../../../components/PersonalValue';
import { QueryError } from '../../../components/QueryError';
import { AssignmentStatusBadge, UserStatusBadge } from '../../../components/StatusBadge';
import { SortHeader } from '../../../components/SortHeader';
import { getFragmentData } from '../../../gql';
import type { TeamRowFragment, UserOrderField } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { pluralForm } from '../../../lib/plural';
import { afterAction, keepListed, pageState, toggleOne, togglePage, type BulkResult } from '../bulk';
import {
  INACTIVE_DAYS,
  nextSort,
  pageSizeOf,
  sortOf,
  TEAM_PAGE_SIZES,
  teamListVariables,
  USER_ORDER_FIELDS,
  userListCsvUrl,
  withFilters,
  withPage,
  withSize,
  withSort,
  type InactiveDays,
  type TeamSort,
  type UsersListParams,
} from '../listParams';
import { TeamRowFragment as TeamRowDoc, UsersTeamQuery } from '../operations';
import { displayName } from '../grouping';
import { useLiveRefetch } from '../useLiveRefetch';
import { TeamBulkBar } from './TeamBulk';
import { UserRowMenu } from './UserRowMenu';
import { profilePath } from './UsersTable';

/** Sorts a viewer without access to every personal datum may not ask for (R12). */
const PERSONAL_SORTS: readonly UserOrderField[] = ['DISPLAY_NAME', 'EMAIL'];

/** Every role of a user, one chip per product and role (tenant named when the user is in several). */
export function roleChips(user: Pick<TeamRowFragment, 'memberships'>) {
  const several = user.memberships.filter((m) => m.roleAssignments.length > 0).length > 1;
  return user.memberships.flatMap((m) =>
    m.roleAssignments.map((a) => ({
      id: a.id,
      product: a.product.name,
      role: a.role.name,
      roleId: a.role.id,
      status: a.status,
      tenant: several ? m.tenant.name : undefined,
    })),
  );
}

function errorReason(error: CombinedError | undefined): string | undefined {
  const reason = error?.graphQLErrors[0]?.extensions?.['reason'];
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * "Team" (seed 003): every member once, in the order the server sorts by
 * (column headers and the order select), with a page size, the roles on
 * every product, the last sign-in, and a three-dot menu per row.
 */
export function TeamView({
  params,
  go,
}: {
  params: UsersListParams;
  go: (next: UsersListParams, options?: { focus?: boolean; replace?: boolean }) => void;
}) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const navigate = useNavigate();
  const location = useLocation();
  const variables = useMemo(() => teamListVariables(params), [params]);
  const [list, reexecute] = useQuery({ query: UsersTeamQuery, variables });
  const refetch = useCallback((): void => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  // Another administrator's changes show here live (R28).
  useLiveRefetch(refetch);
  const connection = list.data?.users;
  const rows = useMemo(() => connection?.edges.map((e) => getFragmentData(TeamRowDoc, e.node)) ?? [], [connection]);
  // Names withheld from a person (not a service account, which has none): personal data is hidden (R12).
  const restricted = rows.some((u) => u.kind === 'HUMAN' && u.givenName === null && u.familyName === null);
  const sort = sortOf(params);
  const busy = list.fetching || list.stale;
  const size = pageSizeOf(params);

  // Multi-select (issue 19.2): the selection is of the rows listed; a new page or filter keeps only those still shown.
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const rowIds = useMemo(() => rows.map((u) => u.id), [rows]);
  useEffect(() => {
    if (!connection) return;
    setSelected((s) => {
      const kept = keepListed(s, rowIds);
      return kept.size === s.size ? s : kept;
    });
  }, [connection, rowIds]);
  const usernames = useMemo(() => new Map(rows.map((u) => [u.id, u.username])), [rows]);
  const selectedInOrder = useMemo(() => rowIds.filter((id) => selected.has(id)), [rowIds, selected]);
  const page = pageState(selected, rowIds);
  const pageBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (pageBox.current) pageBox.current.indeterminate = page === 'some';
  });
  const onBulkDone = useCallback(
    (result: BulkResult): void => {
      setSelected((s) => afterAction(s, result));
      refetch();
    },
    [refetch],
  );
  const csvUrl = userListCsvUrl(params);

  const header = (field: UserOrderField | null, label: string, className?: string): ReactNode => {
    if (!field) return <th scope="col" className={className}>{label}</th>;
    return (
      <SortHeader
        field={field}
        label={label}
        className={className}
        sort={sort}
        onSort={(f) => go(withSort(params, nextSort(params, f)), { focus: true })}
        testId={`team-sort-${field}`}
        disabledTitle={restricted && PERSONAL_SORTS.includes(field) ? t('team.sortRestricted') : undefined}
      />
    );
  };

  const onRowClick = (e: MouseEvent<HTMLTableRowElement>, id: string): void => {
    if ((e.target as HTMLElement).closest('a, button, input, select, [role="menu"], dialog, .dialog')) return;
    if (window.getSelection()?.toString()) return;
    navigate(profilePath(id), { state: { from: location.search } });
  };

  const reason = errorReason(list.error);
  let body: ReactNode;
  if (!connection || (list.error && reason)) {
    if (reason === 'PERSONAL_DATA_ORDER' || reason === 'INVALID_CURSOR') {
      body = (
        <div className="alert alert-error" role="alert" data-testid="users-error" data-error-reason={reason}>
          <p>{t(`error.${reason}`)}</p>
          <button
            type="button"
            className="button"
            onClick={() => go(reason === 'PERSONAL_DATA_ORDER' ? withSort(params, 'USERNAME') : withSort(params, params.sort ?? 'USERNAME'))}
            data-testid="team-error-reset"
          >
            {reason === 'PERSONAL_DATA_ORDER' ? t('team.sortReset') : t('team.firstPage')}
          </button>
        </div>
      );
    } else {
      body = list.error ? (
        <QueryError error={list.error} onRetry={refetch} testId="users-error" />
      ) : (
        <p role="status" className="loading" data-testid="users-loading">
          {list.fetching ? t('users.loading') : ''}
        </p>
      );
    }
  } else if (rows.length === 0) {
    body = (
      <div className="empty" data-testid="users-empty">
        <p>{t('users.empty')}</p>
      </div>
    );
  } else {
    const { pageInfo } = connection;
    body = (
      <>
        {list.error && <QueryError error={list.error} onRetry={refetch} testId="users-error" />}
        <p className="list-summary" data-testid="users-summary">
          {t(`users.total.${pluralForm(locale, connection.totalCount)}`, { count: connection.totalCount })}
          {busy && <span className="refreshing"> · {t('users.refreshing')}</span>}
        </p>
        <label className="select-page" data-testid="team-select-page-label">
          <input
            ref={pageBox}
            type="checkbox"
            checked={page === 'all'}
            onChange={() => setSelected((s) => togglePage(s, rowIds))}
            data-testid="team-select-page"
          />{' '}
          {t('teamBulk.selectPage')}
        </label>
        <TeamBulkBar
          selected={selectedInOrder}
          usernames={usernames}
          tenantId={params.tenant}
          onClear={() => setSelected(new Set())}
          onDone={onBulkDone}
        />
        {restricted && (
          <p className="notice notice-small" data-testid="users-restricted">
            {t('users.restricted')}
          </p>
        )}
        <table className="data-table team-table" aria-busy={busy} aria-label={t('users.view.team')} data-testid="team-table">
          <colgroup>
            <col className="col-select" />
            <col className="col-person" />
            <col className="col-email" />
            <col />
            <col className="col-signin" />
            <col className="col-status" />
            <col className="col-menu" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" className="cell-select">
                <span className="visually-hidden">{t('teamBulk.selectColumn')}</span>
              </th>
              {header('DISPLAY_NAME', t('team.column.person'))}
              {header('EMAIL', t('team.column.email'))}
              {header(null, t('team.column.roles'))}
              {header('LAST_SIGN_IN_AT', t('team.column.lastSignIn'))}
              {header(null, t('team.column.status'))}
              {header(null, t('team.column.actions'), 'cell-menu')}
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => {
              const name = displayName(user);
              const hidden = name === null;
              const label = name ?? user.username;
              const chips = roleChips(user);
              return (
                <tr key={user.id} className="clickable-row" onClick={(e) => onRowClick(e, user.id)} data-testid="team-row" data-user-id={user.id}>
                  <td className="cell-select">
                    <input
                      type="checkbox"
                      checked={selected.has(user.id)}
                      onChange={() => setSelected((s) => toggleOne(s, user.id))}
                      aria-label={t('teamBulk.select', { user: label })}
                      data-testid="team-select"
                    />
                  </td>
                  <th scope="row" data-testid="user-name" className="cell-person">
                    <span className="person-name">
                      <PersonalValue value={name} />
                    </span>
                    <Link to={profilePath(user.id)} state={{ from: location.search }} className="person-username" data-testid="user-link">
                      <Ident text={user.username} testId="user-username" />
                    </Link>
                  </th>
                  <td data-testid="user-email" data-label={t('team.column.email')}>
                    {hidden ? <PersonalValue value={null} /> : user.email ? <Ident text={user.email} /> : <EmptyValue />}
                  </td>
                  <td data-testid="user-roles">
                    {chips.length === 0 ? (
                      <span className="muted">{t('users.noRoles')}</span>
                    ) : (
                      <ul className="chips">
                        {chips.map((c) => (
                          <li key={c.id} className={`chip${c.status === 'SUSPENDED' ? ' chip-suspended' : ''}`} data-testid="user-role" data-role-id={c.roleId} data-status={c.status}>
                            <span>
                              <span className="chip-product">{c.product}</span> · {c.role}
                              {c.tenant && <span className="chip-detail"> · {c.tenant}</span>}
                            </span>
                            <AssignmentStatusBadge status={c.status} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-testid="user-last-sign-in" data-label={t('team.column.lastSignIn')}>
                    {user.lastSignInAt ? fmt.dateTime(user.lastSignInAt) : <span className="muted">{t('team.neverSignedIn')}</span>}
                  </td>
                  <td>
                    <UserStatusBadge status={user.status} />
                  </td>
                  <td className="cell-menu">
                    <UserRowMenu user={user} userLabel={label} onDone={refetch} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {(pageInfo.hasPreviousPage || pageInfo.hasNextPage) && (
          <nav className="pagination" aria-label={t('users.pagination')} data-testid="users-pagination">
            <button
              type="button"
              className="button"
              disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
              onClick={() => pageInfo.startCursor && go(withPage(params, { before: pageInfo.startCursor }), { focus: true })}
              data-testid="users-previous"
            >
              {t('pagination.previous')}
            </button>
            <button
              type="button"
              className="button"
              disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
              onClick={() => pageInfo.endCursor && go(withPage(params, { after: pageInfo.endCursor }), { focus: true })}
              data-testid="users-next"
            >
              {t('pagination.next')}
            </button>
          </nav>
        )}
      </>
    );
  }

  const sortValue: TeamSort = params.sort ?? 'USERNAME';
  return (
    <>
      <div className="team-toolbar" data-testid="team-toolbar">
        <label className="inline-field">
          <span>{t('team.sort.label')}</span>
          <select value={sortValue} onChange={(e) => go(withSort(params, e.target.value as TeamSort))} data-testid="team-sort">
            {USER_ORDER_FIELDS.flatMap((f) =>
              [false, true].map((desc) => {
                const value = (desc ? `-${f}` : f) as TeamSort;
                return (
                  <option key={value} value={value} disabled={restricted && PERSONAL_SORTS.includes(f)}>
                    {t(desc ? 'team.sort.desc' : 'team.sort.asc', { field: t(`team.sort.${f}`) })}
                  </option>
                );
              }),
            )}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('teamBulk.inactive')}</span>
          <select
            value={params.inactive ?? ''}
            onChange={(e) => go(withFilters(params, { inactive: (e.target.value || undefined) as InactiveDays | undefined }))}
            data-testid="team-inactive"
          >
            <option value="">{t('teamBulk.inactive.any')}</option>
            {INACTIVE_DAYS.map((d) => (
              <option key={d} value={d}>
                {t('teamBulk.inactive.days', { count: d })}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('team.pageSize')}</span>
          <select value={String(size)} onChange={(e) => go(withSize(params, Number(e.target.value)))} data-testid="team-page-size">
            {TEAM_PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {csvUrl ? (
          <a href={csvUrl} download className="button button-secondary button-small" data-testid="team-export">
            {t('teamBulk.export')}
          </a>
        ) : (
          <button type="button" className="button button-secondary button-small" disabled title={t('teamBulk.exportNoTenant')} data-testid="team-export">
            {t('teamBulk.export')}
          </button>
        )}
      </div>
      {body}
    </>
  );
}
