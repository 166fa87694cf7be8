import type { MouseEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ChevronIcon } from '../../../components/Icons';
import { Ident } from '../../../components/Ident';
import { EmptyValue, PersonalValue } from '../../../components/PersonalValue';
import { AssignmentStatusBadge, UserStatusBadge } from '../../../components/StatusBadge';
import type { UserListRowFragment } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { displayName, type RoleChip } from '../grouping';

export type UserRow = { user: UserListRowFragment; roles: RoleChip[] };

interface Props {
  rows: readonly UserRow[];
  /** Id of the heading that names the table. */
  labelledBy: string;
  testId?: string;
  busy?: boolean;
}

/** The profile of a user, keeping the list's filters for the way back. */
export function profilePath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

/**
 * One table of users: name (or a lock when personal data is withheld, R12),
 * username (the link to the profile), email, account state, and the roles
 * on the product with their state. A click anywhere on a row opens the
 * profile; the username link is the keyboard path.
 */
export function UsersTable({ rows, labelledBy, testId = 'users-table', busy = false }: Props) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const state = { from: location.search };

  const onRowClick = (e: MouseEvent<HTMLTableRowElement>, id: string): void => {
    if ((e.target as HTMLElement).closest('a, button, input, select')) return;
    if (window.getSelection()?.toString()) return; // selecting text is not a click
    navigate(profilePath(id), { state });
  };

  return (
    <table className="data-table users-table" aria-labelledby={labelledBy} aria-busy={busy} data-testid={testId}>
      <colgroup>
        <col className="col-name" />
        <col className="col-username" />
        <col className="col-email" />
        <col className="col-status" />
        <col />
        <col className="col-arrow" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">{t('users.column.name')}</th>
          <th scope="col">{t('users.column.username')}</th>
          <th scope="col">{t('users.column.email')}</th>
          <th scope="col">{t('users.column.status')}</th>
          <th scope="col">{t('users.column.roles')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('users.column.open')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ user, roles }) => {
          const name = displayName(user);
          // Names are required: null names mean the API withheld personal data (R12);
          // otherwise a null email is simply not set.
          const hidden = name === null;
          return (
            <tr
              key={user.id}
              className="clickable-row"
              onClick={(e) => onRowClick(e, user.id)}
              data-testid="user-row"
              data-user-id={user.id}
            >
              <th scope="row" data-testid="user-name">
                <PersonalValue value={name} />
                {user.kind === 'SERVICE' && (
                  <span className="badge badge-neutral badge-inline">{t('users.serviceAccount')}</span>
                )}
              </th>
              <td data-testid="user-username">
                <Link to={profilePath(user.id)} state={state} data-testid="user-link">
                  <Ident text={user.username} />
                </Link>
              </td>
              <td data-testid="user-email" className="cell-email">
                {hidden ? <PersonalValue value={null} /> : user.email ? <Ident text={user.email} /> : <EmptyValue />}
              </td>
              <td>
                <UserStatusBadge status={user.status} />
              </td>
              <td data-testid="user-roles">
                {roles.length === 0 ? (
                  <span className="muted">{t('users.noRoles')}</span>
                ) : (
                  <ul className="chips">
                    {roles.map((r) => (
                      <li
                        key={r.assignmentId}
                        className={`chip${r.status === 'SUSPENDED' ? ' chip-suspended' : ''}`}
                        data-testid="user-role"
                        data-role-id={r.roleId}
                        data-status={r.status}
                      >
                        <span>{r.name}</span>
                        {r.tenantName && <span className="chip-detail"> · {r.tenantName}</span>}
                        <AssignmentStatusBadge status={r.status} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="cell-arrow" aria-hidden="true">
                <ChevronIcon />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
