import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { readRememberedTenant } from '../../../lib/tenantContext';
import { RemoveUserFromTenantMutation } from '../operations';

interface Tenant {
  id: string;
  name: string;
}

/**
 * "Delete from this tenant" (seed 004, removeUserFromTenant): offered for the
 * tenants whose memberships the viewer may end; the working tenant first.
 * The confirmation says what happens: every role there ends, and an account
 * left without any tenant is deleted with its personal data (R10). The
 * result, or the refusal, shows here.
 */
export function RemoveFromTenant({
  userId,
  userLabel,
  tenants,
  visibleMemberships,
  onDone,
}: {
  userId: string;
  userLabel: string;
  /** Tenants the viewer may remove the user from. */
  tenants: Tenant[];
  /** How many of the user's memberships the viewer sees (the server knows all of them). */
  visibleMemberships: number;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const working = readRememberedTenant();
  const ordered = [...tenants].sort((a, b) => Number(b.id === working) - Number(a.id === working) || a.name.localeCompare(b.name));
  const [tenantId, setTenantId] = useState(ordered[0]?.id ?? '');
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; deleted: boolean } | null>(null);
  const [{ fetching }, remove] = useMutation(RemoveUserFromTenantMutation);
  const tenant = ordered.find((x) => x.id === tenantId) ?? ordered[0];
  if (!tenant && !result) return null;

  const confirm = async (): Promise<void> => {
    if (!tenant) return;
    setProblem(null);
    const r = await remove({ input: { userId, tenantId: tenant.id } });
    const outcome = mutationOutcome(t, r, r.data?.removeUserFromTenant);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    const deleted = outcome.payload.userDeleted;
    setOpen(false);
    setResult({ text: t(deleted ? 'removeTenant.deleted' : 'removeTenant.done', { user: userLabel, name: tenant.name }), deleted });
    // A deleted account has no profile to reload.
    if (!deleted) onDone();
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-testid="remove-tenant">
      <h2 id={`${id}-heading`}>{t('removeTenant.title')}</h2>
      {result && (
        <div className={`alert ${result.deleted ? 'alert-warning' : 'alert-success'}`} role="status" data-testid="remove-tenant-result">
          <p>{result.text}</p>
          {result.deleted && (
            <p>
              <Link to="/users" data-testid="remove-tenant-back">
                {t('removeTenant.backToUsers')}
              </Link>
            </p>
          )}
        </div>
      )}
      {tenant && !result?.deleted && (
        <div className="form form-inline">
          {ordered.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-tenant`}>{t('removeTenant.tenant')}</label>
              <select id={`${id}-tenant`} value={tenant.id} onChange={(e) => setTenantId(e.target.value)} data-testid="remove-tenant-select">
                {ordered.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="form-actions">
            <button type="button" className="button button-danger-outline" onClick={() => setOpen(true)} data-testid="remove-tenant-open">
              {t('removeTenant.button', { name: tenant.name })}
            </button>
          </div>
        </div>
      )}
      {open && tenant && (
        <ConfirmDialog
          open
          title={t('removeTenant.button', { name: tenant.name })}
          confirmLabel={t('removeTenant.confirm')}
          danger
          busy={fetching}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setOpen(false);
            setProblem(null);
          }}
        >
          <p data-testid="remove-tenant-body">{t('removeTenant.body', { user: userLabel, name: tenant.name })}</p>
          <p data-testid="remove-tenant-erasure">{t('removeTenant.erasure', { user: userLabel, name: tenant.name })}</p>
          {visibleMemberships === 1 && (
            <p className="alert alert-error" data-testid="remove-tenant-last">
              {t('removeTenant.lastVisible', { user: userLabel, name: tenant.name })}
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
