import { useEffect, useId, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import {
  AdminResetPasswordMutation,
  AdminResetSecondFactorMutation,
  ReactivateUserMutation,
  SuspendUserMutation,
} from '../operations';
import { profilePath } from './UsersTable';

/** The confirmed actions of a row's menu (seed 003). */
export type RowAction = 'resetPin' | 'resetPassword' | 'suspend' | 'reactivate';

export interface RowMenuUser {
  id: string;
  status: string;
  version: number;
  viewerCan: { changeStatus: boolean; resetCredentials: boolean };
}

/** The actions a row offers for a user, from the same capabilities the profile uses. */
export function rowActions(user: RowMenuUser): RowAction[] {
  const out: RowAction[] = [];
  if (user.viewerCan.resetCredentials && user.status !== 'INVITED') out.push('resetPin', 'resetPassword');
  if (user.viewerCan.changeStatus) out.push(user.status === 'SUSPENDED' ? 'reactivate' : 'suspend');
  return out;
}

/**
 * The three-dot menu of a "Team" row (seed 003): Modifica (the profile's
 * edit form), Reset PIN, Reset password, Sospendi / Riattiva, each behind a
 * confirmation; its result shows next to the menu, its error in the dialog.
 */
export function UserRowMenu({ user, userLabel, onDone }: { user: RowMenuUser; userLabel: string; onDone: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState<RowAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [{ fetching: f1 }, resetPassword] = useMutation(AdminResetPasswordMutation);
  const [{ fetching: f2 }, resetPin] = useMutation(AdminResetSecondFactorMutation);
  const [{ fetching: f3 }, suspend] = useMutation(SuspendUserMutation);
  const [{ fetching: f4 }, reactivate] = useMutation(ReactivateUserMutation);
  const actions = rowActions(user);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onPointer = (e: PointerEvent): void => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const onMenuKey = (e: React.KeyboardEvent<HTMLUListElement>): void => {
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  const choose = (a: RowAction): void => {
    setOpen(false);
    setProblem(null);
    setAction(a);
  };

  const confirm = async (): Promise<void> => {
    if (!action) return;
    setProblem(null);
    let outcome;
    if (action === 'resetPassword') {
      const r = await resetPassword({ input: { userId: user.id } });
      outcome = mutationOutcome(t, r, r.data?.adminResetPassword);
    } else if (action === 'resetPin') {
      const r = await resetPin({ input: { userId: user.id } });
      outcome = mutationOutcome(t, r, r.data?.adminResetSecondFactor);
    } else {
      const input = { input: { userId: user.id, expectedVersion: user.version } };
      const r = action === 'suspend' ? await suspend(input) : await reactivate(input);
      outcome = mutationOutcome(t, r, r.data && ('suspendUser' in r.data ? r.data.suspendUser : r.data.reactivateUser));
    }
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setNote(t(`team.${action}.done`, { user: userLabel }));
    setAction(null);
    button.current?.focus();
    onDone();
  };

  const body =
    action === 'resetPin'
      ? t('team.resetPin.body', { user: userLabel })
      : action === 'resetPassword'
        ? t('credentials.resetPassword.body', { user: userLabel })
        : action === 'suspend'
          ? t('confirm.suspendUser.body', { user: userLabel })
          : t('confirm.reactivateUser.body', { user: userLabel });

  return (
    <div className="row-menu" ref={root} data-testid="row-menu">
      <button
        ref={button}
        type="button"
        className="button button-secondary button-small row-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={t('team.menu', { user: userLabel })}
        title={t('team.menu', { user: userLabel })}
        onClick={() => setOpen((o) => !o)}
        data-testid="row-menu-button"
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <ul id={menuId} role="menu" className="row-menu-list" aria-label={t('team.menu', { user: userLabel })} onKeyDown={onMenuKey}>
          <li role="none">
            <button
              type="button"
              role="menuitem"
              onClick={() => navigate(profilePath(user.id), { state: { from: location.search, edit: true } })}
              data-testid="row-menu-edit"
            >
              {t('team.edit')}
            </button>
          </li>
          {actions.map((a) => (
            <li role="none" key={a}>
              <button type="button" role="menuitem" onClick={() => choose(a)} data-testid={`row-menu-${a}`}>
                {t(`team.${a}`)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <span role="status" className="small row-menu-note" data-testid="row-menu-result">
        {note}
      </span>
      {action && (
        <ConfirmDialog
          open
          title={t(`team.${action}`)}
          confirmLabel={t(`team.${action}`)}
          danger={action !== 'reactivate'}
          busy={f1 || f2 || f3 || f4}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setAction(null);
            setProblem(null);
          }}
        >
          <p>{body}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
