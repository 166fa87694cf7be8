import { useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useI18n } from '../../../i18n/context';
import { assignmentActions, CONFIRMATIONS, WIRED_ACTIONS, type AssignmentAction, type UserAction } from '../actions';

/** Performs a confirmed action; resolves to null on success, else the message to show in the dialog. */
export type PerformAssignmentAction = (action: AssignmentAction, assignmentId: string) => Promise<string | null>;

interface Props {
  assignmentId: string;
  status: 'ACTIVE' | 'SUSPENDED';
  /** Who, what and where, for the confirmation's question. */
  userLabel: string;
  roleName: string;
  productName: string;
  /** Runs the mutation; without it (no mutation in the schema yet) nothing is offered. */
  perform?: PerformAssignmentAction;
  wired?: ReadonlySet<UserAction>;
}

/**
 * Sospendi / Riabilita / Rimuovi on one role of a product card (R10), each
 * behind a confirmation dialog. Renders nothing for actions whose mutation
 * the API does not have yet (actions.ts).
 */
export function AssignmentActions({
  assignmentId,
  status,
  userLabel,
  roleName,
  productName,
  perform,
  wired = WIRED_ACTIONS,
}: Props) {
  const { t } = useI18n();
  const [pending, setPending] = useState<AssignmentAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = perform ? assignmentActions(status, wired) : [];
  if (actions.length === 0) return null;

  const close = (): void => {
    setPending(null);
    setError(null);
  };
  const confirm = async (): Promise<void> => {
    if (!pending || !perform) return;
    setBusy(true);
    setError(null);
    try {
      const failure = await perform(pending, assignmentId);
      if (failure) setError(failure);
      else close();
    } catch {
      setError(t('error.UNKNOWN'));
    } finally {
      setBusy(false);
    }
  };
  const texts = pending ? CONFIRMATIONS[pending] : undefined;
  const params = { role: roleName, user: userLabel, product: productName };

  return (
    <div className="assignment-actions" data-testid="assignment-actions">
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          className={`button button-small ${action === 'remove' ? 'button-danger-outline' : 'button-secondary'}`}
          onClick={() => setPending(action)}
          data-testid={`action-${action}`}
        >
          {t(CONFIRMATIONS[action].confirm)}
        </button>
      ))}
      {texts && (
        <ConfirmDialog
          open
          title={t(texts.title)}
          confirmLabel={t(texts.confirm)}
          danger={texts.danger}
          busy={busy}
          error={error}
          onConfirm={() => void confirm()}
          onClose={close}
        >
          <p>{t(texts.body, params)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
