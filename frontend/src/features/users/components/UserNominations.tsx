import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { getFragmentData } from '../../../gql';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { CancelNominationMutation, NominationFieldsFragment, NominationsQuery } from '../../nominations/operations';
import { useLiveRefetch } from '../useLiveRefetch';

const NOMINATION_EVENTS: ReadonlySet<string> = new Set([
  'NOMINATION_CREATED',
  'NOMINATION_APPROVED',
  'NOMINATION_REJECTED',
  'NOMINATION_CANCELLED',
  'NOMINATION_EXPIRED',
]);

/**
 * The user's nomination requests in one tenant (R20) and their state,
 * updated live; a pending one can be cancelled. Nothing when there are none
 * or the viewer may not see the tenant's nominations.
 */
export function UserNominations({ tenantId, tenantName, userId }: { tenantId: string; tenantName: string; userId: string }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const [{ data }, reexecute] = useQuery({ query: NominationsQuery, variables: { tenantId }, requestPolicy: 'cache-and-network' });
  useLiveRefetch(() => reexecute({ requestPolicy: 'network-only' }), () => true, NOMINATION_EVENTS);
  const [cancelling, setCancelling] = useState<{ id: string; reference: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, cancel] = useMutation(CancelNominationMutation);
  const list = (data?.nominations?.nodes ?? []).map((n) => getFragmentData(NominationFieldsFragment, n)).filter((n) => n.user?.id === userId);
  if (list.length === 0) return null;
  const confirm = async (): Promise<void> => {
    if (!cancelling) return;
    setProblem(null);
    const result = await cancel({ input: { nominationId: cancelling.id } });
    const outcome = mutationOutcome(t, result, result.data?.rejectNomination);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setCancelling(null);
    reexecute({ requestPolicy: 'network-only' });
  };
  return (
    <section className="card" aria-labelledby={`nominations-${tenantId}`} data-testid="user-nominations">
      <h2 id={`nominations-${tenantId}`}>
        {t('nominations.title')} · {tenantName}
      </h2>
      <ul className="plain-list">
        {list.map((n) => (
          <li key={n.id} data-testid="user-nomination" data-status={n.status}>
            <strong className="mono">{n.reference}</strong>{' '}
            {t('nominations.row', { role: n.role.name, product: n.product.name, user: n.user?.username ?? '', status: t(`nomination.status.${n.status}`) })}
            <div className="muted small">
              {n.legalRepresentative.givenName} {n.legalRepresentative.familyName} · {n.sentTo} · <time dateTime={n.expiresAt}>{fmt.dateTime(n.expiresAt)}</time>
            </div>
            {n.status === 'PENDING' && (
              <button
                type="button"
                className="button button-danger-outline button-small"
                onClick={() => setCancelling({ id: n.id, reference: n.reference })}
                data-testid="nomination-cancel"
              >
                {t('nominations.cancel')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {cancelling && (
        <ConfirmDialog
          open
          title={t('nominations.cancel')}
          confirmLabel={t('nominations.cancel')}
          danger
          busy={fetching}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setCancelling(null);
            setProblem(null);
          }}
        >
          <p>{t('nominations.cancelBody', { reference: cancelling.reference })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
