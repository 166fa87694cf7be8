import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useI18n } from '../../../i18n/context';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
import { pluralForm } from '../../../lib/plural';
import { bulkResult, type BulkAction, type BulkResult } from '../bulk';
import { ReactivateUsersMutation, RemoveUsersFromTenantMutation, SuspendUsersMutation } from '../operations';

const ACTIONS: readonly BulkAction[] = ['suspend', 'reactivate', 'remove'];

/**
 * The "Team" view's bulk bar (issue 19.2): shown while users are selected,
 * it suspends, reactivates or removes them from the list's tenant after a
 * confirmation naming the count. Without a tenant the buttons are disabled
 * with the reason. The result (done and refused, each refusal by username)
 * shows in place; the caller refreshes the list and the selection.
 */
export function TeamBulkBar({
  selected,
  usernames,
  tenantId,
  onClear,
  onDone,
}: {
  /** Selected user IDs, in the list's order. */
  selected: readonly string[];
  /** Username of each listed user, to name the refused ones. */
  usernames: ReadonlyMap<string, string>;
  /** The tenant the list is scoped to; none: bulk actions wait for one. */
  tenantId: string | undefined;
  onClear: () => void;
  onDone: (result: BulkResult) => void;
}) {
  const { t, locale } = useI18n();
  const reasonId = useId();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<{ result: BulkResult; names: Map<string, string> } | null>(null);
  const [{ fetching: f1 }, suspend] = useMutation(SuspendUsersMutation);
  const [{ fetching: f2 }, reactivate] = useMutation(ReactivateUsersMutation);
  const [{ fetching: f3 }, remove] = useMutation(RemoveUsersFromTenantMutation);
  const count = selected.length;
  const form = (n: number): 'one' | 'other' => pluralForm(locale, n);

  const confirm = async (): Promise<void> => {
    if (!action || !tenantId) return;
    setProblem(null);
    const input = { input: { tenantId, userIds: [...selected] } };
    const names = new Map(selected.map((id) => [id, usernames.get(id) ?? id]));
    let outcome: BulkResult | null = null;
    let error;
    if (action === 'suspend') {
      const r = await suspend(input);
      error = r.error;
      if (r.data?.suspendUsers) outcome = bulkResult(action, r.data.suspendUsers);
    } else if (action === 'reactivate') {
      const r = await reactivate(input);
      error = r.error;
      if (r.data?.reactivateUsers) outcome = bulkResult(action, r.data.reactivateUsers);
    } else {
      const r = await remove(input);
      error = r.error;
      if (r.data?.removeUsersFromTenant) outcome = bulkResult(action, r.data.removeUsersFromTenant);
    }
    if (!outcome) {
      setProblem(t(`error.${error ? errorCode(error) : 'UNKNOWN'}`));
      return;
    }
    setAction(null);
    setResult({ result: outcome, names });
    onDone(outcome);
  };

  return (
    <div className="team-bulk" data-testid="team-bulk">
      {count > 0 && (
        <div className="bulk-bar" role="group" aria-label={t('teamBulk.label')} data-testid="bulk-bar">
          <span className="bulk-count" data-testid="bulk-count">
            {t(`teamBulk.selected.${form(count)}`, { count })}
          </span>
          {ACTIONS.map((a) => (
            <button
              key={a}
              type="button"
              className={`button button-small${a === 'reactivate' ? ' button-secondary' : ' button-danger-outline'}`}
              disabled={!tenantId}
              aria-describedby={!tenantId ? reasonId : undefined}
              onClick={() => {
                setProblem(null);
                setAction(a);
              }}
              data-testid={`bulk-${a}`}
            >
              {t(`teamBulk.${a}`)}
            </button>
          ))}
          <button type="button" className="button button-small button-secondary" onClick={onClear} data-testid="bulk-clear">
            {t('teamBulk.clear')}
          </button>
          {!tenantId && (
            <p id={reasonId} className="bulk-reason small" data-testid="bulk-no-tenant">
              {t('teamBulk.noTenant')}
            </p>
          )}
        </div>
      )}
      <div role="status" className="bulk-result-region" data-testid="bulk-result-region">
        {result && (
          <div className={`alert ${result.result.refused.length > 0 ? 'alert-warning' : 'alert-success'}`} data-testid="bulk-result">
            <p data-testid="bulk-summary">
              {[
                t(`teamBulk.done.${result.result.action}.${form(result.result.done.length)}`, { count: result.result.done.length }),
                result.result.refused.length > 0 ? t(`teamBulk.refused.${form(result.result.refused.length)}`, { count: result.result.refused.length }) : '',
              ]
                .filter(Boolean)
                .join(', ')}
              {result.result.deleted.length > 0 && (
                <> · {t(`teamBulk.deleted.${form(result.result.deleted.length)}`, { count: result.result.deleted.length })}</>
              )}
            </p>
            {result.result.refused.length > 0 && (
              <ul className="bulk-refusals" data-testid="bulk-refusals">
                {result.result.refused.map((r, i) => (
                  <li key={`${r.userId ?? ''}-${i}`} data-testid="bulk-refusal" data-code={r.code} data-user-id={r.userId ?? ''}>
                    {r.userId ? <strong>{result.names.get(r.userId) ?? r.userId}</strong> : null}
                    {r.userId ? ': ' : ''}
                    {describeUserError(t, r)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {action && (
        <ConfirmDialog
          open
          title={t(`teamBulk.confirm.${action}.${form(count)}`, { count })}
          confirmLabel={t(`teamBulk.${action}`)}
          danger={action !== 'reactivate'}
          busy={f1 || f2 || f3}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setAction(null);
            setProblem(null);
          }}
          testId="bulk-confirm"
        >
          <p data-testid="bulk-confirm-body">{t(`teamBulk.body.${action}`)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
