import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { FormError, FormField } from '../../../components/FormField';
import { Progress } from '../../../components/Progress';
import { getFragmentData } from '../../../gql';
import type { NominationFieldsFragment } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome } from '../../../lib/mutationOutcome';
import { isRepresentativeChange, representativeInput, type LegalRepresentativeDraft } from '../../nominations/legalRepresentative';
import { NominationFieldsFragment as NominationFieldsDoc, NominationTenantQuery, StartNominationMutation } from '../../nominations/operations';

/** The role a nomination is for: the one whose assignment answered NOMINATION_REQUIRED. */
export interface NominationTarget {
  productId: string;
  roleId: string;
  roleName: string;
}

interface Props extends NominationTarget {
  tenantId: string;
  userId: string;
  onClose: () => void;
  onStarted: () => void;
}

/**
 * The nomination of an administrator (R20), when giving the role answered
 * NOMINATION_REQUIRED: confirm the tenant's legal representative or name
 * another (a change needs an explicit confirmation), then the request goes
 * to the tenant's certified address and its state is shown here.
 */
export function NominationForm({ tenantId, userId, productId, roleId, roleName, onClose, onStarted }: Props) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const [{ data, fetching: loading }] = useQuery({ query: NominationTenantQuery, variables: { id: tenantId } });
  const tenant = data?.node?.__typename === 'Tenant' ? data.node : undefined;
  const recorded = tenant?.legalRepresentative ?? null;
  const [draft, setDraft] = useState<LegalRepresentativeDraft>({ givenName: '', familyName: '', taxCode: '', email: '' });
  const [confirmChange, setConfirmChange] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [started, setStarted] = useState<NominationFieldsFragment | null>(null);
  const [{ fetching }, start] = useMutation(StartNominationMutation);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const prefilled = useRef(false);
  useEffect(() => {
    if (prefilled.current || !tenant) return;
    prefilled.current = true;
    if (recorded) setDraft({ givenName: recorded.givenName, familyName: recorded.familyName, taxCode: recorded.taxCode, email: recorded.email ?? '' });
  }, [tenant, recorded]);
  useEffect(() => headingRef.current?.focus(), [started]);
  const changing = isRepresentativeChange(recorded, draft);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    const missing: Record<string, string> = {};
    for (const k of ['givenName', 'familyName', 'taxCode'] as const) if (draft[k].trim() === '') missing[`legalRepresentative.${k}`] = t('form.required');
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const result = await start({
      input: {
        tenantId,
        userId,
        productId,
        roleId,
        legalRepresentative: representativeInput(draft),
        ...(changing ? { confirmLegalRepresentativeChange: confirmChange } : {}),
      },
    });
    const outcome = mutationOutcome(t, result, result.data?.startNomination, [
      'legalRepresentative.givenName',
      'legalRepresentative.familyName',
      'legalRepresentative.taxCode',
      'legalRepresentative.email',
      'confirmLegalRepresentativeChange',
    ]);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    const n = outcome.payload.nomination;
    if (n) setStarted(getFragmentData(NominationFieldsDoc, n));
    onStarted();
  };

  if (started) {
    return (
      <section className="card" aria-labelledby="nomination-started" data-testid="nomination-status" data-status={started.status}>
        <h3 id="nomination-started" ref={headingRef} tabIndex={-1}>
          {t('nomination.started', { reference: started.reference })}
        </h3>
        <p>{t('nomination.startedBody', { role: started.role.name, email: started.sentTo, date: fmt.dateTime(started.expiresAt) })}</p>
        <p>
          <span className="badge badge-warn" data-testid="nomination-status-badge">
            {t(`nomination.status.${started.status}`)}
          </span>
        </p>
        <button type="button" className="button button-secondary button-small" onClick={onClose} data-testid="nomination-close">
          {t('nomination.close')}
        </button>
      </section>
    );
  }

  const field = (k: keyof LegalRepresentativeDraft, label: string, extra: Partial<Parameters<typeof FormField>[0]> = {}) => (
    <FormField
      id={`nomination-${k}`}
      label={label}
      value={draft[k]}
      onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
      error={errors[`legalRepresentative.${k}`]}
      required={k !== 'email'}
      {...extra}
    />
  );

  return (
    <form className="card form" noValidate onSubmit={onSubmit} aria-busy={fetching} aria-labelledby="nomination-title" data-testid="nomination-form">
      <h3 id="nomination-title">{t('nomination.title', { role: roleName })}</h3>
      <p className="small">{t('role.requiresNominationHint')}</p>
      {loading && <Progress busy />}
      {tenant && (
        <p className="muted small" data-testid="nomination-certified">
          {tenant.certifiedEmail ? t('nomination.sentTo', { email: tenant.certifiedEmail }) : t('nomination.noCertifiedEmail')}
        </p>
      )}
      <p className="small">{recorded ? t('nomination.recorded') : t('nomination.noneRecorded')}</p>
      {field('givenName', t('profile.givenName'))}
      {field('familyName', t('profile.familyName'))}
      {field('taxCode', t('profile.taxCode'), { autoCapitalize: 'characters', spellCheck: false })}
      {field('email', t('setup.field.email'), { type: 'email' })}
      {(changing || errors['confirmLegalRepresentativeChange']) && (
        <div className={`field${errors['confirmLegalRepresentativeChange'] ? ' field-invalid' : ''}`} data-testid="nomination-confirm-change">
          {errors['confirmLegalRepresentativeChange'] && (
            <p className="field-error" id="nomination-confirm-error">
              {errors['confirmLegalRepresentativeChange']}
            </p>
          )}
          <label>
            <input
              type="checkbox"
              checked={confirmChange}
              onChange={(e) => setConfirmChange(e.target.checked)}
              aria-describedby={errors['confirmLegalRepresentativeChange'] ? 'nomination-confirm-error' : undefined}
            />{' '}
            {t('nomination.confirmChange', { name: recorded ? `${recorded.givenName} ${recorded.familyName}` : '' })}
          </label>
        </div>
      )}
      <FormError message={formError} testId="nomination-error" />
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={fetching} data-testid="nomination-submit">
          {t('nomination.submit')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={onClose} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching} />
      </div>
    </form>
  );
}
