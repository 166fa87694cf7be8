import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { useViewer } from '../../../app/viewer';
import { FormError, FormField } from '../../../components/FormField';
import { CountryField } from '../../../components/PreferenceFields';
import { Progress } from '../../../components/Progress';
import { TenantPicker } from '../../../components/TenantPicker';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome } from '../../../lib/mutationOutcome';
import { CreateTenantMutation } from '../operations';
import { tenantUsersPath } from './TenantTree';
import { organizationTaxCodeLabelKey } from '../../users/add/taxCountry';
import { userErrorsOf } from '../../../lib/userErrors';

/**
 * "New site" under a parent the viewer administers (R8), or, for platform
 * staff, a new organisation at the top. The server decides who may: its
 * answer (FORBIDDEN, or a userError next to its field) is shown here.
 */
export function CreateTenantForm() {
  const { t } = useI18n();
  const viewer = useViewer();
  const staff = viewer?.platformAdmin ?? false;
  const [open, setOpen] = useState(false);
  const [parentId, setParentId] = useState('');
  const [name, setName] = useState('');
  const [country, setCountry] = useState('IT');
  const [taxCode, setTaxCode] = useState('');
  const [certifiedEmail, setCertifiedEmail] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const [{ fetching }, create] = useMutation(CreateTenantMutation);
  if (!viewer) return null;
  if (!open) {
    return (
      <p>
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)} data-testid="tenant-create-open">
          {staff ? t('tenants.create') : t('tenants.createSite')}
        </button>
        {created && (
          <span role="status" className="small" data-testid="tenant-created">
            {' '}
            {t('tenants.created', { name: created.name })} <Link to={tenantUsersPath(created.id)}>{t('nav.users')}</Link>
          </span>
        )}
      </p>
    );
  }
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    const missing: Record<string, string> = {};
    if (name.trim() === '') missing['name'] = t('form.required');
    if (!staff && !parentId) missing['parentId'] = t('form.required');
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const result = await create({
      input: {
        name: name.trim(),
        ...(parentId ? { parentId } : {}),
        ...(country.trim() ? { country: country.trim().toUpperCase() } : {}),
        ...(taxCode.trim() ? { taxCode: taxCode.trim() } : {}),
        ...(certifiedEmail.trim() ? { certifiedEmail: certifiedEmail.trim() } : {}),
      },
    });
    const outcome = mutationOutcome(t, result, result.data?.createTenant, ['name', 'country', 'taxCode', 'certifiedEmail', 'parentId']);
    if (!outcome.ok) {
      // A refused tax code names the identifier of the tenant's country (SIREN or SIRET in France).
      const taxRefused = userErrorsOf(result.data?.createTenant?.userErrors ?? []).some((u) => u.code === 'INVALID_TAX_CODE');
      setErrors(
        taxRefused
          ? { ...outcome.fieldErrors, taxCode: t('userError.INVALID_TAX_CODE.named', { identifier: t(organizationTaxCodeLabelKey(country)) }) }
          : outcome.fieldErrors,
      );
      setFormError(outcome.formError);
      return;
    }
    setCreated(outcome.payload.tenant ?? null);
    setName('');
    setTaxCode('');
    setCertifiedEmail('');
    setOpen(false);
  };
  return (
    <form className="card form" noValidate onSubmit={onSubmit} aria-busy={fetching} aria-labelledby="tenant-create-title" data-testid="tenant-create-form">
      <h2 id="tenant-create-title">{staff ? t('tenants.create') : t('tenants.createSite')}</h2>
      <TenantPicker value={parentId} onChange={setParentId} allowAll={staff} allLabel={t('tenants.noParent')} testId="tenant-create-parent" />
      {errors['parentId'] && (
        <p className="field-error" data-testid="tenant-create-parent-error">
          {errors['parentId']}
        </p>
      )}
      <FormField id="tenant-name" label={t('tenants.name')} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} error={errors['name']} required />
      <CountryField id="tenant-country" label={t('tenants.country')} value={country} onChange={setCountry} error={errors['country']} testId="tenant-create-country" />
      <FormField id="tenant-taxCode" label={t('tenants.taxCode')} value={taxCode} onChange={(e) => setTaxCode(e.target.value)} error={errors['taxCode']} />
      <FormField
        id="tenant-certifiedEmail"
        type="email"
        label={t('tenants.certifiedEmail')}
        value={certifiedEmail}
        onChange={(e) => setCertifiedEmail(e.target.value)}
        error={errors['certifiedEmail']}
      />
      <FormError message={formError} testId="tenant-create-error" />
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching} data-testid="tenant-create-submit">
          {t('tenants.createSubmit')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setOpen(false)} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching} />
      </div>
    </form>
  );
}
