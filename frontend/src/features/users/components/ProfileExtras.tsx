import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { FormError, FormField } from '../../../components/FormField';
import { PreferenceFields } from '../../../components/PreferenceFields';
import { Progress } from '../../../components/Progress';
import { QueryError } from '../../../components/QueryError';
import { TenantPicker } from '../../../components/TenantPicker';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { pluralForm } from '../../../lib/plural';
import { FailedLoginsQuery } from '../../audit/operations';
import { AddUserToGroupMutation, RemoveUserFromGroupMutation } from '../../groups/operations';
import {
  AdminResetPasswordMutation,
  AdminResetSecondFactorMutation,
  AttachUserToTenantMutation,
  DetachUserFromTenantMutation,
  ResendInvitationMutation,
  TenantManageableProductsQuery,
  UnlockUserMutation,
  UpdateUserProfileMutation,
} from '../operations';
import { identityChanges } from '../profile';
import { NominationForm, type NominationTarget } from './NominationForm';

interface Named {
  id: string;
  name: string;
}

/** A product card's groups (R11): the user's groups, take out, and "assign group" among the active ones. */
export function CardGroups({
  userId,
  groups,
  assignable,
  canManage,
  onDone,
}: {
  userId: string;
  groups: readonly Named[];
  assignable: readonly Named[];
  canManage: boolean;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [groupId, setGroupId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching: adding }, add] = useMutation(AddUserToGroupMutation);
  const [{ fetching: removing }, remove] = useMutation(RemoveUserFromGroupMutation);
  if (groups.length === 0 && assignable.length === 0) return null;
  const run = async (kind: 'add' | 'remove', gid: string): Promise<void> => {
    setProblem(null);
    const result = kind === 'add' ? await add({ input: { groupId: gid, userId } }) : await remove({ input: { groupId: gid, userId } });
    const payload = result.data && ('addUserToGroup' in result.data ? result.data.addUserToGroup : result.data.removeUserFromGroup);
    const outcome = mutationOutcome(t, result, payload);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setOpen(false);
    setGroupId('');
    onDone();
  };
  return (
    <div className="card-groups" data-testid="card-groups">
      <p className="small">
        <strong>{t('groups.ofCard')}:</strong>{' '}
        {groups.length === 0 ? (
          <span className="muted">{t('common.notSet')}</span>
        ) : (
          <span className="chips">
            {groups.map((g) => (
              <span key={g.id} className="chip" data-testid="card-group">
                {g.name}
                {canManage && (
                  <button
                    type="button"
                    className="chip-remove"
                    onClick={() => void run('remove', g.id)}
                    disabled={removing}
                    aria-label={t('groups.leaveLabel', { group: g.name })}
                    data-testid="card-group-remove"
                  >
                    ×
                  </button>
                )}
              </span>
            ))}
          </span>
        )}
      </p>
      <FormError message={problem} testId="card-groups-error" />
      {assignable.length > 0 &&
        (open ? (
          <form
            className="form form-inline"
            onSubmit={(e) => {
              e.preventDefault();
              void run('add', groupId || assignable[0]?.id || '');
            }}
            aria-busy={adding}
            data-testid="assign-group-form"
          >
            <div className="field">
              <label htmlFor={`${id}-group`}>{t('groups.title')}</label>
              <select id={`${id}-group`} value={groupId || assignable[0]?.id} onChange={(e) => setGroupId(e.target.value)} data-testid="assign-group-select" autoFocus>
                {assignable.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-actions">
              <button type="submit" className="button button-small" disabled={adding} data-testid="assign-group-submit">
                {t('groups.assignSubmit')}
              </button>
              <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)} disabled={adding}>
                {t('common.cancel')}
              </button>
              <Progress busy={adding} />
            </div>
          </form>
        ) : (
          <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)} data-testid="assign-group-open">
            {t('groups.assign')}
          </button>
        ))}
    </div>
  );
}

export interface EditableUser {
  id: string;
  version: number;
  givenName: string | null;
  familyName: string | null;
  taxCode: string | null;
  nameVerified: boolean;
  language: string;
  timeZone: string;
  gender: string | null;
  birthDate: string | null;
  viewerCan: { editIdentity: boolean; editNames: boolean; editPreferences: boolean };
}

/**
 * Edit identity (R3, R4, R7): the API says what the viewer may change
 * (`viewerCan`): names only for the home tenant's administrators and while
 * not verified; a tax code only when the account has none; language and
 * time zone. Only changed fields are sent, with the version they were read at.
 */
export function IdentityEditForm({
  user,
  personalVisible,
  onDone,
  onCancel,
}: {
  user: EditableUser;
  /** Whether the viewer may read the user's personal data (R12): gender and birth date are edited only then. */
  personalVisible: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [givenName, setGivenName] = useState(user.givenName ?? '');
  const [familyName, setFamilyName] = useState(user.familyName ?? '');
  const [taxCode, setTaxCode] = useState('');
  const [language, setLanguage] = useState(user.language);
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [gender, setGender] = useState(user.gender ?? '');
  const [birthDate, setBirthDate] = useState(user.birthDate ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching }, update] = useMutation(UpdateUserProfileMutation);
  const canNames = user.viewerCan.editNames;
  const canTaxCode = user.viewerCan.editIdentity && !user.taxCode;
  const canPrefs = user.viewerCan.editPreferences || user.viewerCan.editIdentity;
  const canExtras = user.viewerCan.editIdentity && personalVisible;

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    const changes = identityChanges(
      user,
      { givenName, familyName, taxCode, language, timeZone, gender, birthDate },
      { names: canNames, taxCode: canTaxCode, preferences: canPrefs, extras: canExtras },
    );
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    const result = await update({ input: { userId: user.id, expectedVersion: user.version, ...changes } });
    const outcome = mutationOutcome(t, result, result.data?.updateUserProfile, ['givenName', 'familyName', 'taxCode', 'language', 'timeZone', 'gender', 'birthDate']);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    onDone();
  };

  return (
    <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="identity-form">
      {formError && (
        <div className="alert alert-error" role="alert" data-testid="identity-form-error">
          <p>{formError}</p>
        </div>
      )}
      {canNames ? (
        <>
          <FormField id="identity-givenName" label={t('profile.givenName')} value={givenName} onChange={(e) => setGivenName(e.target.value)} error={errors['givenName']} required />
          <FormField id="identity-familyName" label={t('profile.familyName')} value={familyName} onChange={(e) => setFamilyName(e.target.value)} error={errors['familyName']} required />
        </>
      ) : (
        <p className="notice notice-small" data-testid="identity-names-locked">
          {user.nameVerified ? t('profile.nameVerified') : t('identity.namesNotEditable')}
        </p>
      )}
      {canTaxCode && (
        <FormField
          id="identity-taxCode"
          label={t('profile.taxCode')}
          hint={t('identity.taxCodeHint')}
          value={taxCode}
          onChange={(e) => setTaxCode(e.target.value)}
          autoCapitalize="characters"
          spellCheck={false}
          error={errors['taxCode']}
        />
      )}
      {canExtras && (
        <>
          <div className={`field${errors['gender'] ? ' field-invalid' : ''}`}>
            <label htmlFor="identity-gender">{t('extras.gender')}</label>
            {errors['gender'] && (
              <p className="field-error" id="identity-gender-error">
                {errors['gender']}
              </p>
            )}
            <select
              id="identity-gender"
              value={gender}
              aria-describedby={errors['gender'] ? 'identity-gender-error' : undefined}
              onChange={(e) => setGender(e.target.value)}
              data-testid="identity-gender-select"
            >
              <option value="">{t('extras.gender.none')}</option>
              {(['FEMALE', 'MALE', 'OTHER'] as const).map((g) => (
                <option key={g} value={g}>
                  {t(`extras.gender.${g}`)}
                </option>
              ))}
            </select>
          </div>
          <FormField
            id="identity-birthDate"
            type="date"
            label={t('extras.birthDate')}
            value={birthDate}
            min="1900-01-01"
            onChange={(e) => setBirthDate(e.target.value)}
            error={errors['birthDate']}
          />
        </>
      )}
      {canPrefs && (
        <PreferenceFields prefix="identity" language={language} timeZone={timeZone} onLanguage={setLanguage} onTimeZone={setTimeZone} errors={errors} />
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching} data-testid="identity-save">
          {t('common.save')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching} />
      </div>
    </form>
  );
}

type CredentialAction = 'unlock' | 'resetPassword' | 'resetSecondFactor' | 'resendInvitation';

/**
 * The administrator's credential actions on someone else's account (R13,
 * R14, R16, R17): unlock a locked account, send a password reset, reset the
 * second factor, resend an invitation; each confirmed in a dialog.
 */
export function CredentialActions({
  user,
  userLabel,
  onDone,
}: {
  user: { id: string; status: string; viewerCan: { resetCredentials: boolean; changeStatus: boolean } };
  userLabel: string;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [action, setAction] = useState<CredentialAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [{ fetching: f1 }, unlock] = useMutation(UnlockUserMutation);
  const [{ fetching: f2 }, resetPassword] = useMutation(AdminResetPasswordMutation);
  const [{ fetching: f3 }, resetSecondFactor] = useMutation(AdminResetSecondFactorMutation);
  const [{ fetching: f4 }, resend] = useMutation(ResendInvitationMutation);
  const offered: CredentialAction[] = [];
  if (user.viewerCan.resetCredentials) {
    if (user.status === 'LOCKED') offered.push('unlock');
    if (user.status === 'INVITED') offered.push('resendInvitation');
    if (user.status !== 'INVITED') offered.push('resetPassword', 'resetSecondFactor');
  }
  if (offered.length === 0) return null;
  const confirm = async (): Promise<void> => {
    if (!action) return;
    setProblem(null);
    const input = { input: { userId: user.id } };
    let outcome;
    if (action === 'unlock') {
      const r = await unlock(input);
      outcome = mutationOutcome(t, r, r.data?.unlockUser);
    } else if (action === 'resetPassword') {
      const r = await resetPassword(input);
      outcome = mutationOutcome(t, r, r.data?.adminResetPassword);
    } else if (action === 'resetSecondFactor') {
      const r = await resetSecondFactor(input);
      outcome = mutationOutcome(t, r, r.data?.adminResetSecondFactor);
    } else {
      const r = await resend(input);
      outcome = mutationOutcome(t, r, r.data?.resendInvitation);
    }
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setNote(t(`credentials.${action}.done`));
    setAction(null);
    onDone();
  };
  return (
    <div className="assignment-actions" data-testid="credential-actions">
      {offered.map((a) => (
        <button key={a} type="button" className="button button-secondary button-small" onClick={() => setAction(a)} data-testid={`credentials-${a}`}>
          {t(`credentials.${a}`)}
        </button>
      ))}
      <span role="status" className="small" data-testid="credentials-status">
        {note}
      </span>
      {action && (
        <ConfirmDialog
          open
          title={t(`credentials.${action}`)}
          confirmLabel={t(`credentials.${action}`)}
          danger={action !== 'unlock' && action !== 'resendInvitation'}
          busy={f1 || f2 || f3 || f4}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setAction(null);
            setProblem(null);
          }}
        >
          <p>{t(`credentials.${action}.body`, { user: userLabel })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/**
 * "Attach to another site" (R8): a tenant of the same organisation, then a
 * product and role among those the viewer may give there. A role that
 * needs a nomination leads to the nomination form (R20).
 */
export function AttachSiteForm({ userId, onDone }: { userId: string; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [tenantId, setTenantId] = useState('');
  const [productId, setProductId] = useState('');
  const [roleId, setRoleId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [nomination, setNomination] = useState<NominationTarget | null>(null);
  const [{ data, fetching: loading }] = useQuery({ query: TenantManageableProductsQuery, variables: { id: tenantId }, pause: !tenantId });
  const [{ fetching }, attach] = useMutation(AttachUserToTenantMutation);
  if (!open) {
    return (
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)} data-testid="attach-site-open">
        {t('sites.attach')}
      </button>
    );
  }
  const products = data?.node?.__typename === 'Tenant' ? data.node.viewerCan.manageableProducts : [];
  const product = products.find((p) => p.id === productId) ?? products[0];
  const roles = product?.roles ?? [];
  // No role is preselected: the most powerful one comes first in the list.
  const role = roles.find((r) => r.id === roleId);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching || !product) return;
    if (!role) {
      setErrors({ roleId: t('assign.roleRequired') });
      return;
    }
    setFormError(null);
    const result = await attach({ input: { userId, tenantId, productId: product.id, roleId: role.id } });
    const outcome = mutationOutcome(t, result, result.data?.attachUserToTenant, ['tenantId', 'roleId']);
    if (!outcome.ok) {
      if (outcome.code === 'NOMINATION_REQUIRED') {
        setNomination({ productId: product.id, roleId: role.id, roleName: role.name });
        return;
      }
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    setOpen(false);
    setTenantId('');
    onDone();
  };

  if (nomination) {
    return (
      <NominationForm
        tenantId={tenantId}
        userId={userId}
        {...nomination}
        onClose={() => setNomination(null)}
        onStarted={onDone}
      />
    );
  }

  return (
    <form className="card form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="attach-site-form">
      <TenantPicker value={tenantId} onChange={(v) => { setTenantId(v); setProductId(''); setRoleId(''); setErrors({}); }} testId="attach-site-tenant" />
      {errors['tenantId'] && <p className="field-error" data-testid="attach-site-tenant-error">{errors['tenantId']}</p>}
      {tenantId && !loading && products.length === 0 && <p className="notice notice-small">{t('sites.noProducts')}</p>}
      {products.length > 0 && (
        <>
          <div className="field">
            <label htmlFor={`${id}-product`}>{t('assign.product')}</label>
            <select id={`${id}-product`} value={product?.id ?? ''} onChange={(e) => { setProductId(e.target.value); setRoleId(''); }} data-testid="attach-site-product">
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>{t('assign.role')}</label>
            {errors['roleId'] && <p className="field-error" data-testid="attach-site-role-error">{errors['roleId']}</p>}
            <select id={`${id}-role`} value={role?.id ?? ''} onChange={(e) => setRoleId(e.target.value)} data-testid="attach-site-role">
              <option value="">{t('assign.chooseRole')}</option>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                  {r.requiresNomination ? ` — ${t('role.requiresNomination')}` : ''}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <FormError message={formError} testId="attach-site-error" />
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={fetching || products.length === 0} data-testid="attach-site-submit">
          {t('sites.attachSubmit')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching || loading} />
      </div>
    </form>
  );
}

/** "Detach from this site" (R8), confirmed; detaching from the last site deletes the account (R10). */
export function DetachSiteButton({
  membershipId,
  tenantName,
  last,
  userLabel,
  onDone,
  onDeleted,
}: {
  membershipId: string;
  tenantName: string;
  last: boolean;
  userLabel: string;
  onDone: () => void;
  onDeleted: () => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, detach] = useMutation(DetachUserFromTenantMutation);
  const confirm = async (): Promise<void> => {
    setProblem(null);
    const result = await detach({ input: { membershipId } });
    const outcome = mutationOutcome(t, result, result.data?.detachUserFromTenant);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setOpen(false);
    if (outcome.payload.userDeleted) onDeleted();
    else onDone();
  };
  return (
    <>
      <button type="button" className="button button-danger-outline button-small" onClick={() => setOpen(true)} aria-label={t('sites.detachLabel', { name: tenantName })} data-testid="site-detach">
        {t('sites.detach')}
      </button>
      {open && (
        <ConfirmDialog
          open
          title={t('sites.detachLabel', { name: tenantName })}
          confirmLabel={t('sites.detach')}
          danger
          busy={fetching}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setOpen(false);
            setProblem(null);
          }}
        >
          <p>{t('sites.detachBody', { user: userLabel, name: tenantName })}</p>
          {last && <p className="alert alert-error">{t('sites.detachLast')}</p>}
        </ConfirmDialog>
      )}
    </>
  );
}

/** Failed sign-ins of a user (R23): time, IP, operating system, browser; paged. */
export function FailedLoginsSection({ userId }: { userId: string }) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const [after, setAfter] = useState<string[]>([]);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: FailedLoginsQuery,
    variables: { id: userId, first: 10, after: after.at(-1) ?? null },
    requestPolicy: 'cache-and-network',
  });
  const user = data?.node?.__typename === 'User' ? data.node : undefined;
  const list = user?.failedLogins;
  return (
    <section className="card" aria-labelledby="failed-logins-heading" data-testid="failed-logins">
      <h2 id="failed-logins-heading">{t('failedLogins.title')}</h2>
      {error ? (
        <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="failed-logins-error" />
      ) : !list ? (
        <p role="status" className="loading">
          {fetching ? t('common.working') : ''}
        </p>
      ) : list.totalCount === 0 ? (
        <p className="empty">{t('failedLogins.none')}</p>
      ) : (
        <>
          <p className="muted small">{t(`failedLogins.count.${pluralForm(locale, list.totalCount)}`, { count: list.totalCount })}</p>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('failedLogins.at')}</th>
                <th scope="col">{t('sessions.ip')}</th>
                <th scope="col">{t('failedLogins.device')}</th>
                <th scope="col">{t('failedLogins.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {list.nodes.map((f, i) => (
                <tr key={`${f.at}-${i}`} data-testid="failed-login">
                  <td>
                    <time dateTime={f.at}>{fmt.dateTime(f.at)}</time>
                  </td>
                  <td className="mono small">{f.ip}</td>
                  <td title={f.userAgent}>{t('sessions.browserOn', { browser: f.browser, os: f.operatingSystem })}</td>
                  <td>{t(f.reason === 'TOTP_INVALID' ? 'failedLogins.reason.totp' : 'failedLogins.reason.password')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="pagination">
            {after.length > 0 && (
              <button type="button" className="button button-secondary button-small" onClick={() => setAfter((a) => a.slice(0, -1))}>
                {t('failedLogins.newer')}
              </button>
            )}
            {list.pageInfo.hasNextPage && list.pageInfo.endCursor && (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => setAfter((a) => [...a, list.pageInfo.endCursor ?? ''])}
                data-testid="failed-logins-older"
              >
                {t('failedLogins.older')}
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}

/** Link to the audit log filtered on every change about this user. */
export function AuditLink({ userId }: { userId: string }) {
  const { t } = useI18n();
  return (
    <Link to={`/audit?${new URLSearchParams({ user: userId }).toString()}`} className="small" data-testid="profile-audit-link">
      {t('profile.auditLink')}
    </Link>
  );
}
