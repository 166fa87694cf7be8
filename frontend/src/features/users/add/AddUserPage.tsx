import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { FormField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { LanguageField } from '../../../components/PreferenceFields';
import { QueryError } from '../../../components/QueryError';
import { useI18n } from '../../../i18n/context';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { errorsByField, fieldOf, userErrorsOf, type UserErrorLike } from '../../../lib/userErrors';
import {
  AddUserTenantsQuery,
  AttachExistingUserMutation,
  CreateUserMutation,
  LookupUserCandidateMutation,
  TenantManageableProductsQuery,
} from '../operations';
import { emptyExtras, extrasFields, extrasInput, PersonExtrasFields, type PersonExtras } from './PersonExtrasFields';
import { TaxCountryField } from './TaxCountryField';
import { taxCodeLabelKey } from './taxCountry';

/** The tenants where the viewer may add a user: those where they may give a role on some product. */
export function addableTenants<T extends { viewerCan: { manageableProducts: readonly unknown[] } }>(tenants: readonly T[]): T[] {
  return tenants.filter((tn) => tn.viewerCan.manageableProducts.length > 0);
}

type Outcome = 'ALREADY_MEMBER' | 'USERNAME_TAKEN' | 'TAX_CODE_HAS_ACCOUNT' | 'NEW_PERSON';

interface Lookup {
  outcome: Outcome;
  existingUsername: string | null;
  memberId: string | null;
}

/**
 * "Nuovo utente" (R1): username and tax code first; the lookup tells whether
 * the person is already a member, the username is taken, the tax code has an
 * account elsewhere (attach it instead) or nobody has them (full form, then
 * the invitation is emailed).
 */
export function AddUserPage() {
  const { t } = useI18n();
  useDocumentTitle(t('addUser.title'));
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [tenantId, setTenantId] = useState(search.get('tenant') ?? '');
  const [tenants] = useQuery({ query: AddUserTenantsQuery });
  const [tenant] = useQuery({ query: TenantManageableProductsQuery, variables: { id: tenantId }, pause: tenantId === '' });
  const tenantNode = tenant.data?.node?.__typename === 'Tenant' ? tenant.data.node : undefined;
  const products = tenantNode?.viewerCan.manageableProducts ?? [];

  const [username, setUsername] = useState('');
  const [taxCode, setTaxCode] = useState('');
  const [taxCountry, setTaxCountry] = useState('IT');
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const [errors, setErrors] = useState<Map<string, UserErrorLike>>(new Map());
  const [requestError, setRequestError] = useState<string | null>(null);
  const [person, setPerson] = useState({ givenName: '', familyName: '', email: '', language: 'it' });
  const [productId, setProductId] = useState('');
  const [roleId, setRoleId] = useState('');
  const [extras, setExtras] = useState<PersonExtras>(emptyExtras);
  // Once added, the new user's profile opens (seed 001), saying what happened.
  const setCreated = (created: { id: string; username: string; attached: boolean; withPassword?: boolean }): void => {
    const added = created.attached
      ? t('addUser.attached', { username: created.username })
      : t(created.withPassword ? 'addUser.createdWithPassword' : 'addUser.created', { username: created.username });
    navigate(`/users/${encodeURIComponent(created.id)}`, { state: { added } });
  };
  const [{ fetching: looking }, lookupCandidate] = useMutation(LookupUserCandidateMutation);
  const [{ fetching: creating }, createUser] = useMutation(CreateUserMutation);
  const [{ fetching: attaching }, attach] = useMutation(AttachExistingUserMutation);
  const busy = looking || creating || attaching;
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (lookup) outcomeRef.current?.focus();
  }, [lookup]);

  // Only the tenants where the viewer may add someone (gives roles on some product there).
  const listed = addableTenants(tenants.data?.tenants?.nodes ?? []);
  const onlyTenant = listed.length === 1 && tenants.data ? listed[0] : undefined;
  useEffect(() => {
    if (tenantId === '' && onlyTenant) setTenantId(onlyTenant.id);
  }, [tenantId, onlyTenant]);
  // The tenant of the link is offered even beyond the first page of tenants.
  const tenantOptions =
    tenantNode && !listed.some((tn) => tn.id === tenantNode.id) ? [{ id: tenantNode.id, name: tenantNode.name }, ...listed] : listed;
  const product = products.find((p) => p.id === productId) ?? products[0];
  const roles = product?.roles ?? [];
  // No role is preselected: the most powerful one (Amministratore, nomination-only) comes first in the list.
  const role = roles.find((r) => r.id === roleId);

  const fail = (result: { error?: import('@urql/core').CombinedError | undefined }): void => {
    setRequestError(result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
  };
  const fieldError = (name: string): string | undefined => {
    const e = errors.get(name);
    if (!e) return undefined;
    if (e.code === 'REQUIRED') return t('form.required');
    // The tax code is called differently in each country: name the one typed (NIR, codice fiscale…).
    if (e.code === 'INVALID_TAX_CODE' && name === 'taxCode') return t('userError.INVALID_TAX_CODE.named', { identifier: t(taxCodeLabelKey(taxCountry)) });
    return describeUserError(t, e);
  };

  const onLookup = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setRequestError(null);
    setLookup(null);
    const missing = new Map<string, UserErrorLike>();
    if (tenantId === '') missing.set('tenantId', { field: ['tenantId'], code: 'REQUIRED', message: '' });
    if (username.trim() === '') missing.set('username', { field: ['username'], code: 'REQUIRED', message: '' });
    if (taxCode.trim() === '') missing.set('taxCode', { field: ['taxCode'], code: 'REQUIRED', message: '' });
    setErrors(missing);
    if (missing.size > 0) return;
    const result = await lookupCandidate({ input: { tenantId, username: username.trim(), taxCode: taxCode.trim(), taxCountry } });
    const payload = result.data?.lookupUserCandidate;
    if (result.error || !payload) return fail(result);
    const lookupErrors = userErrorsOf(payload.userErrors);
    if (lookupErrors.length > 0 || !payload.outcome) {
      setErrors(errorsByField(lookupErrors));
      if (lookupErrors.some((u) => !['username', 'taxCode', 'taxCountry', 'tenantId'].includes(fieldOf(u)))) {
        setRequestError(lookupErrors.map((u) => describeUserError(t, u)).join(' '));
      }
      return;
    }
    setLookup({ outcome: payload.outcome, existingUsername: payload.existingUsername ?? null, memberId: payload.user?.id ?? null });
  };

  const onCreate = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy || !lookup) return;
    setRequestError(null);
    if (!product) {
      setRequestError(t('addUser.noProducts'));
      return;
    }
    if (!role) {
      setErrors(new Map([['roleId', { field: ['roleId'], code: 'REQUIRED', message: '' }]]));
      return;
    }
    if (lookup.outcome === 'TAX_CODE_HAS_ACCOUNT') {
      const result = await attach({
        input: { tenantId, username: lookup.existingUsername ?? '', taxCode: taxCode.trim(), taxCountry, productId: product.id, roleId: role.id },
      });
      const payload = result.data?.attachExistingUser;
      if (result.error || !payload) return fail(result);
      const attachErrors = userErrorsOf(payload.userErrors);
      if (attachErrors.length > 0 || !payload.user) {
        setRequestError(attachErrors.map((u) => describeUserError(t, u)).join(' ') || t('error.UNKNOWN'));
        return;
      }
      setCreated({ id: payload.user.id, username: payload.user.username, attached: true });
      return;
    }
    const missing = new Map<string, UserErrorLike>();
    for (const k of ['givenName', 'familyName', 'email'] as const) {
      if (person[k].trim() === '') missing.set(k, { field: [k], code: 'REQUIRED', message: '' });
    }
    if (extras.firstAccess === 'password' && extras.initialPassword === '') {
      missing.set('initialPassword', { field: ['initialPassword'], code: 'REQUIRED', message: '' });
    }
    setErrors(missing);
    if (missing.size > 0) return;
    const result = await createUser({
      input: {
        tenantId,
        username: username.trim(),
        taxCode: taxCode.trim(),
        taxCountry,
        givenName: person.givenName.trim(),
        familyName: person.familyName.trim(),
        email: person.email.trim(),
        language: person.language,
        productId: product.id,
        roleId: role.id,
        ...extrasInput(extras),
      },
    });
    const payload = result.data?.createUser;
    if (result.error || !payload) return fail(result);
    const createErrors = userErrorsOf(payload.userErrors);
    if (createErrors.length > 0 || !payload.user) {
      const byField = errorsByField(createErrors);
      setErrors(byField);
      const general = createErrors.filter((u) => !['givenName', 'familyName', 'email', 'taxCode', 'taxCountry', ...extrasFields].includes(fieldOf(u)));
      if (general.length > 0 || byField.size === 0) {
        setRequestError(general.map((u) => describeUserError(t, u)).join(' ') || t('error.UNKNOWN'));
      }
      return;
    }
    setCreated({ id: payload.user.id, username: payload.user.username, attached: false, withPassword: extras.firstAccess === 'password' });
  };

  const roleFields = (
    <>
      {products.length === 0 ? (
        <p className="notice" data-testid="add-user-no-products">
          {t('addUser.noProducts')}
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor="add-product">{t('assign.product')}</label>
            <select
              id="add-product"
              value={product?.id ?? ''}
              onChange={(e) => {
                setProductId(e.target.value);
                setRoleId('');
              }}
              data-testid="add-user-product"
            >
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className={`field${errors.has('roleId') ? ' field-invalid' : ''}`}>
            <label htmlFor="add-role">{t('assign.role')}</label>
            {errors.has('roleId') && (
              <p className="field-error" id="add-role-error" data-testid="add-user-role-error">
                {t('assign.roleRequired')}
              </p>
            )}
            <select
              id="add-role"
              value={role?.id ?? ''}
              onChange={(e) => {
                setRoleId(e.target.value);
                setErrors(new Map());
              }}
              aria-describedby={errors.has('roleId') ? 'add-role-error' : undefined}
              data-testid="add-user-role"
            >
              <option value="">{t('assign.chooseRole')}</option>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
    </>
  );

  return (
    <section data-testid="add-user-page" aria-labelledby="page-heading">
      <p className="breadcrumb">
        <Link to="/users">← {t('profile.back')}</Link>
      </p>
      <PageHeading>{t('addUser.title')}</PageHeading>
      <p className="lead">{t('addUser.intro')}</p>
      {tenants.error && <QueryError error={tenants.error} testId="add-user-error" />}
      {requestError && (
        <div className="alert alert-error" role="alert" data-testid="add-user-request-error">
          <p>{requestError}</p>
        </div>
      )}
      <form className="form" noValidate onSubmit={onLookup} aria-busy={looking} data-testid="add-user-lookup">
        <div className={`field${errors.has('tenantId') ? ' field-invalid' : ''}`}>
          {onlyTenant && onlyTenant.id === tenantId ? (
            <>
              <span className="field-label">{t('addUser.tenant')}</span>
              <p className="field-static" data-testid="add-user-tenant-only">
                {onlyTenant.name}
              </p>
            </>
          ) : (
            <>
          <label htmlFor="add-tenant">{t('addUser.tenant')}</label>
          {errors.has('tenantId') && (
            <p className="field-error" id="add-tenant-error">
              {fieldError('tenantId')}
            </p>
          )}
          <select
            id="add-tenant"
            value={tenantId}
            onChange={(e) => {
              setTenantId(e.target.value);
              setLookup(null);
            }}
            aria-describedby={errors.has('tenantId') ? 'add-tenant-error' : undefined}
            disabled={lookup !== null}
            data-testid="add-user-tenant"
          >
            <option value="">{t('addUser.chooseTenant')}</option>
            {tenantOptions.map((tn) => (
              <option key={tn.id} value={tn.id}>
                {tn.name}
              </option>
            ))}
          </select>
            </>
          )}
        </div>
        <FormField
          id="add-username"
          label={t('setup.field.username')}
          hint={t('setup.field.usernameHint')}
          error={fieldError('username')}
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            setLookup(null);
          }}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          maxLength={64}
          required
        />
        <TaxCountryField
          id="add-taxCountry"
          tenantId={tenantId}
          value={taxCountry}
          onChange={(c) => {
            setTaxCountry(c);
            setLookup(null);
          }}
          error={fieldError('taxCountry')}
        />
        <FormField
          id="add-taxCode"
          label={t(taxCodeLabelKey(taxCountry))}
          error={fieldError('taxCode')}
          value={taxCode}
          onChange={(e) => {
            setTaxCode(e.target.value);
            setLookup(null);
          }}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
        />
        {!lookup && (
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy} data-testid="add-user-lookup-submit">
              {looking ? t('common.working') : t('addUser.lookup')}
            </button>
          </div>
        )}
      </form>

      {lookup && (
        <div ref={outcomeRef} tabIndex={-1} className="card" data-testid="add-user-outcome" data-outcome={lookup.outcome} aria-live="polite">
          <p className="alert-title">{t(`addUser.outcome.${lookup.outcome}`, { username: lookup.existingUsername ?? username })}</p>
          {lookup.outcome === 'ALREADY_MEMBER' && lookup.memberId && (
            <p>
              <Link to={`/users/${encodeURIComponent(lookup.memberId)}`} data-testid="add-user-member">
                {t('addUser.openProfile')}
              </Link>
            </p>
          )}
          {lookup.outcome === 'USERNAME_TAKEN' && (
            <button type="button" className="button button-secondary" onClick={() => { setLookup(null); document.getElementById('add-username')?.focus(); }}>
              {t('addUser.changeUsername')}
            </button>
          )}
          {(lookup.outcome === 'TAX_CODE_HAS_ACCOUNT' || lookup.outcome === 'NEW_PERSON') && (
            <form className="form" noValidate onSubmit={onCreate} aria-busy={creating || attaching} data-testid="add-user-form">
              {lookup.outcome === 'NEW_PERSON' && (
                <>
                  <FormField id="add-givenName" label={t('setup.field.givenName')} error={fieldError('givenName')} value={person.givenName} onChange={(e) => setPerson({ ...person, givenName: e.target.value })} maxLength={100} required />
                  <FormField id="add-familyName" label={t('setup.field.familyName')} error={fieldError('familyName')} value={person.familyName} onChange={(e) => setPerson({ ...person, familyName: e.target.value })} maxLength={100} required />
                  <FormField id="add-email" type="email" label={t('profile.email')} hint={t('addUser.emailHint')} error={fieldError('email')} value={person.email} onChange={(e) => setPerson({ ...person, email: e.target.value })} required />
                  <LanguageField id="add-language" value={person.language} onChange={(language) => setPerson({ ...person, language })} />
                  <PersonExtrasFields value={extras} onChange={setExtras} error={fieldError} />
                </>
              )}
              {roleFields}
              <div className="form-actions">
                <button type="submit" className="button" disabled={busy || products.length === 0} data-testid="add-user-submit">
                  {busy
                    ? t('common.working')
                    : lookup.outcome === 'NEW_PERSON'
                      ? t(extras.firstAccess === 'password' ? 'addUser.createWithPassword' : 'addUser.create')
                      : t('addUser.attach')}
                </button>
                <button type="button" className="button button-secondary" onClick={() => setLookup(null)} disabled={busy}>
                  {t('common.cancel')}
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
