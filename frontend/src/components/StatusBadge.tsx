import type { AssignmentStatus, RoleCategory, UserStatus } from '../gql/graphql';
import { useI18n } from '../i18n/context';

const USER_TONE: Record<UserStatus, string> = {
  ACTIVE: 'ok',
  INVITED: 'info',
  SUSPENDED: 'warn',
  LOCKED: 'error',
};

/** Account state of a user (R5). */
export function UserStatusBadge({ status }: { status: UserStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${USER_TONE[status]}`} data-testid="user-status" data-status={status}>
      {t(`status.user.${status}`)}
    </span>
  );
}

/** State of one role assignment: only "Sospeso" is tagged; an active role shows no tag unless `always`. */
export function AssignmentStatusBadge({ status, always = false }: { status: AssignmentStatus; always?: boolean }) {
  const { t } = useI18n();
  if (status === 'ACTIVE' && !always) return null;
  return (
    <span
      className={`badge badge-${status === 'ACTIVE' ? 'ok' : 'warn'}`}
      data-testid="assignment-status"
      data-status={status}
    >
      {t(`status.assignment.${status}`)}
    </span>
  );
}

/** Category of a role: Amministratore / Operatore. */
export function CategoryBadge({ category }: { category: RoleCategory }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${category === 'ADMIN' ? 'admin' : 'neutral'}`} data-testid="role-category" data-category={category}>
      {t(`category.${category}`)}
    </span>
  );
}
