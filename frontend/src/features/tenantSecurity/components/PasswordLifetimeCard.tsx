import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { FormError, FormField } from '../../../components/FormField';
import { QueryError } from '../../../components/QueryError';
import { TenantPending, useTenantNode } from '../../../components/TenantScopedPage';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome } from '../../../lib/mutationOutcome';
import { TenantPasswordLifetimeQuery, UpdateTenantPasswordLifetimeMutation } from '../operations';

const EVENTS = new Set(['TENANT_UPDATED']);

/**
 * The tenant's password lifetime (issue 16.4, R15): days after which a
 * member's password must be changed at sign-in, 0 for never, within the
 * platform's bounds. Editable when the API says Tenant.viewerCan.update;
 * INVALID_PASSWORD_LIFETIME and CONFLICT show next to the field.
 */
export function PasswordLifetimeCard({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  const { tenant, answered, error, fetching, refetch } = useTenantNode(TenantPasswordLifetimeQuery, tenantId, EVENTS);
  const [draft, setDraft] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [{ fetching: saving }, update] = useMutation(UpdateTenantPasswordLifetimeMutation);
  const current = tenant?.passwordMaxAgeDays ?? 0;
  useEffect(() => setDraft(String(current)), [current, tenantId]);

  if (error) return <QueryError error={error} onRetry={refetch} testId="password-lifetime-error" />;
  if (!tenant) return <TenantPending fetching={fetching} answered={answered} />;
  const { minDays, maxDays } = tenant.passwordLifetimeBounds;

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (saving) return;
    setSaved(null);
    setFormError(null);
    const value = draft.trim();
    if (!/^\d+$/.test(value)) {
      setFieldError(value === '' ? t('form.required') : t('lifetime.wholeNumber'));
      return;
    }
    setFieldError(undefined);
    const days = Number(value);
    const result = await update({ input: { tenantId, expectedVersion: tenant.version, passwordMaxAgeDays: days } });
    const outcome = mutationOutcome(t, result, result.data?.updateTenant, ['passwordMaxAgeDays']);
    if (!outcome.ok) {
      setFieldError(outcome.fieldErrors['passwordMaxAgeDays']);
      setFormError(outcome.formError);
      if (outcome.code === 'CONFLICT') refetch();
      return;
    }
    setSaved(days === 0 ? t('lifetime.savedNever') : t('lifetime.saved', { days }));
  };

  return (
    <section className="card" aria-labelledby="password-lifetime-heading" data-testid="password-lifetime">
      <h2 id="password-lifetime-heading">{t('lifetime.title')}</h2>
      <p className="small" data-testid="password-lifetime-current">
        {current === 0 ? t('lifetime.currentNever') : t('lifetime.current', { days: current })}
      </p>
      {tenant.viewerCan.update ? (
        <form className="form" noValidate onSubmit={(e) => void submit(e)} aria-busy={saving} data-testid="password-lifetime-form">
          <FormField
            id="password-lifetime-days"
            type="number"
            inputMode="numeric"
            min={0}
            max={maxDays}
            label={t('lifetime.field')}
            hint={t('lifetime.hint', { min: minDays, max: maxDays })}
            error={fieldError}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setSaved(null);
            }}
            required
          />
          <FormError message={formError} testId="password-lifetime-form-error" />
          <div className="form-actions">
            <button type="submit" className="button" disabled={saving} data-testid="password-lifetime-save">
              {saving ? t('common.working') : t('common.save')}
            </button>
          </div>
          <p role="status" className="small" data-testid="password-lifetime-status">
            {saved}
          </p>
        </form>
      ) : (
        <p className="muted small">{t('lifetime.readOnly')}</p>
      )}
    </section>
  );
}
