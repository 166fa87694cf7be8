import { useCallback, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { CopyButton } from '../../../components/CopyButton';
import { FormError, FormField, NewPasswordField, TotpCodeField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { PreferenceFields } from '../../../components/PreferenceFields';
import { Progress } from '../../../components/Progress';
import { QrCode } from '../../../components/QrCode';
import { QueryError } from '../../../components/QueryError';
import type { MyAccountQuery as MyAccountData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { errorAt } from '../../../lib/graphql/errors';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { pluralForm } from '../../../lib/plural';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { groupSecret, normaliseTotpCode, orderSessions, otpauthLabel } from '../account';
import {
  BeginTotpEnrollmentMutation,
  ChangePasswordMutation,
  ConfirmTotpEnrollmentMutation,
  MyAccountQuery,
  RequestEmailChangeMutation,
  RevokeOtherSessionsMutation,
  RevokeSessionMutation,
  UpdateMyPhoneMutation,
  UpdateMyPreferencesMutation,
} from '../operations';

type Session = NonNullable<MyAccountData['mySessions']>[number];
type AccountViewer = NonNullable<MyAccountData['viewer']>;

/**
 * `/account`: the signed-in person's own account (R13, R16–R18, R23):
 * sessions (end one, end all others), password change, second factor
 * enrolment, email change and the recent failed sign-ins.
 */
export function AccountPage() {
  const { t } = useI18n();
  useDocumentTitle(t('account.title'));
  const [{ data, error, fetching }, reexecute] = useQuery({ query: MyAccountQuery, requestPolicy: 'cache-and-network' });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const viewer = data?.viewer;
  const sessionsError = errorAt(error, 'mySessions');
  let body;
  if (viewer && data) {
    body = (
      <>
        {data.mySessions ? (
          <SessionsCard sessions={data.mySessions} onChange={refetch} />
        ) : (
          // The sessions failed on their own: said here, the rest of the account still answers.
          sessionsError && <QueryError error={sessionsError} onRetry={refetch} testId="sessions-error" />
        )}
        <div className="card-grid">
          <PasswordCard onChange={refetch} />
          <SecondFactorCard viewer={viewer} onChange={refetch} />
          <EmailCard viewer={viewer} onChange={refetch} />
          <PreferencesCard viewer={viewer} onChange={refetch} />
          <FailedLoginsCard viewer={viewer} />
        </div>
      </>
    );
  } else if (error) {
    body = <QueryError error={error} onRetry={refetch} testId="account-error" />;
  } else {
    body = (
      <p role="status" className="loading">
        {fetching ? t('common.working') : ''}
      </p>
    );
  }
  return (
    <section data-testid="account-page" aria-labelledby="page-heading">
      <PageHeading>{t('account.title')}</PageHeading>
      {viewer && <p className="lead">{t('account.intro', { username: viewer.user.username })}</p>}
      {body}
    </section>
  );
}

function SessionsCard({ sessions, onChange }: { sessions: readonly Session[]; onChange: () => void }) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const [target, setTarget] = useState<Session | 'others' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [{ fetching: revokingOne }, revokeOne] = useMutation(RevokeSessionMutation);
  const [{ fetching: revokingAll }, revokeAll] = useMutation(RevokeOtherSessionsMutation);
  const ordered = orderSessions(sessions);
  const others = ordered.filter((s) => !s.current).length;

  const confirm = async (): Promise<void> => {
    if (!target) return;
    setProblem(null);
    if (target === 'others') {
      const result = await revokeAll({});
      const outcome = mutationOutcome(t, result, result.data?.revokeOtherSessions);
      if (!outcome.ok) {
        setProblem(outcome.formError ?? t('error.UNKNOWN'));
        return;
      }
      setNote(t(`sessions.revokedOthers.${pluralForm(locale, outcome.payload.revokedCount)}`, { count: outcome.payload.revokedCount }));
    } else {
      const result = await revokeOne({ input: { sessionId: target.id } });
      const outcome = mutationOutcome(t, result, result.data?.revokeSession);
      if (!outcome.ok) {
        setProblem(outcomeMessage(t, outcome));
        return;
      }
      setNote(t('sessions.revokedOne'));
    }
    setTarget(null);
    onChange();
  };

  return (
    <section className="card" aria-labelledby="sessions-heading" data-testid="sessions-card">
      <h2 id="sessions-heading">{t('sessions.title')}</h2>
      <p className="muted small">{t('sessions.intro')}</p>
      <table className="data-table" data-testid="sessions-table">
        <caption className="visually-hidden">{t('sessions.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('sessions.device')}</th>
            <th scope="col">{t('sessions.ip')}</th>
            <th scope="col">{t('sessions.createdAt')}</th>
            <th scope="col">{t('sessions.lastSeenAt')}</th>
            <th scope="col">{t('sessions.expiresAt')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((s) => (
            <tr key={s.id} data-testid="session" data-current={s.current ? 'true' : 'false'}>
              <td>
                {s.kind === 'BEARER' ? t('sessions.apiClient') : t('sessions.browserOn', { browser: s.browser, os: s.operatingSystem })}
                {s.current && (
                  <span className="badge badge-ok badge-inline" data-testid="session-current">
                    {t('sessions.current')}
                  </span>
                )}
              </td>
              <td className="mono small">{s.ip}</td>
              <td>
                <time dateTime={s.createdAt}>{fmt.dateTime(s.createdAt)}</time>
              </td>
              <td>
                <time dateTime={s.lastSeenAt}>{fmt.dateTime(s.lastSeenAt)}</time>
              </td>
              <td>
                <time dateTime={s.expiresAt}>{fmt.dateTime(s.expiresAt)}</time>
              </td>
              <td>
                {!s.current && (
                  <button
                    type="button"
                    className="button button-small button-danger-outline"
                    onClick={() => setTarget(s)}
                    data-testid="session-revoke"
                    aria-label={t('sessions.revokeLabel', { browser: s.browser, os: s.operatingSystem, ip: s.ip })}
                  >
                    {t('sessions.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button
          type="button"
          className="button button-secondary"
          disabled={others === 0}
          onClick={() => setTarget('others')}
          data-testid="sessions-revoke-others"
        >
          {t('sessions.revokeOthers')}
        </button>
        <span role="status" className="muted small" data-testid="sessions-status">
          {note}
        </span>
      </div>
      {target && (
        <ConfirmDialog
          open
          title={target === 'others' ? t('sessions.revokeOthers') : t('sessions.revoke')}
          confirmLabel={target === 'others' ? t('sessions.revokeOthers') : t('sessions.revoke')}
          danger
          busy={revokingOne || revokingAll}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setTarget(null);
            setProblem(null);
          }}
        >
          <p>
            {target === 'others'
              ? t(`sessions.confirmOthers.${pluralForm(locale, others)}`, { count: others })
              : t('sessions.confirmOne', { browser: target.browser, os: target.operatingSystem, ip: target.ip })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Change password; the other sessions end, so the sessions list is read again. */
function PasswordCard({ onChange }: { onChange: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [{ fetching }, change] = useMutation(ChangePasswordMutation);
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setDone(false);
    setFormError(null);
    const missing: Record<string, string> = {};
    if (current === '') missing['currentPassword'] = t('form.required');
    if (next === '') missing['newPassword'] = t('form.required');
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const result = await change({ input: { currentPassword: current, newPassword: next } });
    const outcome = mutationOutcome(t, result, result.data?.changePassword, ['currentPassword', 'newPassword']);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    setCurrent('');
    setNext('');
    setDone(true);
    onChange();
  };
  return (
    <section className="card" aria-labelledby="password-heading" data-testid="password-card">
      <h2 id="password-heading">{t('account.password.title')}</h2>
      <p className="muted small">{t('account.password.intro')}</p>
      <FormError message={formError} />
      {done && (
        <p className="alert alert-success" role="status" data-testid="password-changed">
          {t('account.password.done')}
        </p>
      )}
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="password-form">
        <FormField
          id="account-current-password"
          type="password"
          label={t('account.password.current')}
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          autoComplete="current-password"
          error={errors['currentPassword']}
          required
        />
        <NewPasswordField
          id="account-new-password"
          label={t('login.change.newPassword')}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={errors['newPassword']}
          required
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching} data-testid="password-submit">
            {t('account.password.submit')}
          </button>
          <Progress busy={fetching} />
        </div>
      </form>
    </section>
  );
}

function SecondFactorCard({ viewer, onChange }: { viewer: AccountViewer; onChange: () => void }) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching: starting }, begin] = useMutation(BeginTotpEnrollmentMutation);
  const [{ fetching: confirming }, confirmCode] = useMutation(ConfirmTotpEnrollmentMutation);

  const onBegin = async (): Promise<void> => {
    setFormError(null);
    const result = await begin({});
    const outcome = mutationOutcome(t, result, result.data?.beginTotpEnrollment);
    if (!outcome.ok) {
      setFormError(outcome.formError ?? t('error.UNKNOWN'));
      return;
    }
    setEnrolment({ secret: outcome.payload.secret ?? '', uri: outcome.payload.otpauthUri ?? '' });
  };
  const onConfirm = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (confirming) return;
    setFormError(null);
    const normalised = normaliseTotpCode(code);
    if (!normalised) {
      setCodeError(t('totp.codeFormat'));
      return;
    }
    setCodeError(undefined);
    const result = await confirmCode({ input: { code: normalised } });
    const outcome = mutationOutcome(t, result, result.data?.confirmTotpEnrollment, ['code']);
    if (!outcome.ok) {
      setCodeError(outcome.fieldErrors['code']);
      setFormError(outcome.formError);
      return;
    }
    setEnrolment(null);
    setCode('');
    onChange();
  };
  const label = enrolment ? otpauthLabel(enrolment.uri) : null;

  return (
    <section className="card" aria-labelledby="totp-heading" data-testid="totp-card">
      <h2 id="totp-heading">{t('totp.title')}</h2>
      {viewer.secondFactorEnrolled ? (
        <p data-testid="totp-enrolled">
          <span className="badge badge-ok">{t('totp.enrolled')}</span> {t('totp.enrolledHint')}
        </p>
      ) : (
        <>
          <p className="muted small">{viewer.secondFactorEnrollmentRequired ? t('totp.required') : t('totp.intro')}</p>
          <FormError message={formError} testId="totp-error" />
          {!enrolment ? (
            <div className="form-actions">
              <button type="button" className="button" onClick={() => void onBegin()} disabled={starting} data-testid="totp-begin">
                {t('totp.begin')}
              </button>
              <Progress busy={starting} />
            </div>
          ) : (
            <div data-testid="totp-enrolment">
              <ol className="steps">
                <li>
                  {t('totp.step1')}
                  <div>
                    <QrCode text={enrolment.uri} label={t('totp.qrLabel', { account: label?.account ?? '' })} testId="totp-qr" />
                  </div>
                  <a href={enrolment.uri} data-testid="totp-uri">
                    {t('totp.openApp')}
                  </a>
                </li>
                <li>
                  {t('totp.step2', { issuer: label?.issuer ?? '', account: label?.account ?? '' })}
                  <p className="secret mono" data-testid="totp-secret" aria-label={t('totp.secretLabel')}>
                    {groupSecret(enrolment.secret)}
                  </p>
                  <CopyButton text={enrolment.secret} testId="totp-copy" />
                </li>
                <li>{t('totp.step3')}</li>
              </ol>
              <form className="form form-inline" noValidate onSubmit={onConfirm} aria-busy={confirming} data-testid="totp-form">
                <TotpCodeField
                  id="totp-code"
                  hint={t('login.totpHint')}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  maxLength={9}
                  error={codeError}
                  required
                />
                <div className="form-actions">
                  <button type="submit" className="button" disabled={confirming} data-testid="totp-confirm">
                    {t('totp.confirm')}
                  </button>
                  <Progress busy={confirming} />
                </div>
              </form>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function EmailCard({ viewer, onChange }: { viewer: AccountViewer; onChange: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching }, request] = useMutation(RequestEmailChangeMutation);
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    if (email.trim() === '') {
      setFieldError(t('form.required'));
      return;
    }
    setFieldError(undefined);
    const result = await request({ input: { email: email.trim() } });
    const outcome = mutationOutcome(t, result, result.data?.requestEmailChange, ['email']);
    if (!outcome.ok) {
      setFieldError(outcome.fieldErrors['email']);
      setFormError(outcome.formError);
      return;
    }
    setEmail('');
    onChange();
  };
  return (
    <section className="card" aria-labelledby="email-heading" data-testid="email-card">
      <h2 id="email-heading">{t('account.email.title')}</h2>
      <p data-testid="account-email">{viewer.user.email ?? t('common.notSet')}</p>
      {viewer.user.pendingEmail && (
        <p className="notice notice-small" role="status" data-testid="account-pending-email">
          {t('account.email.pending', { email: viewer.user.pendingEmail })}
        </p>
      )}
      <FormError message={formError} />
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="email-form">
        <FormField
          id="account-new-email"
          type="email"
          label={t('account.email.new')}
          hint={t('account.email.hint')}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="email"
          error={fieldError}
          required
        />
        <div className="form-actions">
          <button type="submit" className="button button-secondary" disabled={fetching} data-testid="email-submit">
            {t('account.email.submit')}
          </button>
          <Progress busy={fetching} />
        </div>
      </form>
    </section>
  );
}

function FailedLoginsCard({ viewer }: { viewer: AccountViewer }) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const list = viewer.user.failedLogins;
  return (
    <section className="card" aria-labelledby="failed-heading" data-testid="my-failed-logins">
      <h2 id="failed-heading">{t('failedLogins.title')}</h2>
      {list.totalCount === 0 ? (
        <p className="empty">{t('failedLogins.none')}</p>
      ) : (
        <>
          <p className="muted small">{t(`failedLogins.count.${pluralForm(locale, list.totalCount)}`, { count: list.totalCount })}</p>
          <ul className="plain-list">
            {list.nodes.map((f, i) => (
              <li key={`${f.at}-${i}`} data-testid="failed-login">
                <time dateTime={f.at}>{fmt.dateTime(f.at)}</time> · {f.browser} / {f.operatingSystem} ·{' '}
                <span className="mono small">{f.ip}</span> · {t(f.reason === 'TOTP_INVALID' ? 'failedLogins.reason.totp' : 'failedLogins.reason.password')}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Language and time zone (R4), and the work phone for administrators (R3). */
function PreferencesCard({ viewer, onChange }: { viewer: AccountViewer; onChange: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const user = viewer.user;
  const [language, setLanguage] = useState(user.language);
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [phone, setPhone] = useState(user.phone ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [{ fetching: savingPrefs }, savePrefs] = useMutation(UpdateMyPreferencesMutation);
  const [{ fetching: savingPhone }, savePhone] = useMutation(UpdateMyPhoneMutation);
  const busy = savingPrefs || savingPhone;
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    setFormError(null);
    setErrors({});
    let version = user.version;
    if (language !== user.language || timeZone.trim() !== user.timeZone) {
      const result = await savePrefs({ input: { language, timeZone: timeZone.trim(), expectedVersion: version } });
      const outcome = mutationOutcome(t, result, result.data?.updateMyPreferences, ['language', 'timeZone']);
      if (!outcome.ok) {
        setErrors(outcome.fieldErrors);
        setFormError(outcome.formError);
        return;
      }
      version = outcome.payload.user?.version ?? version;
    }
    if (user.viewerCan.setPhone && phone.trim() !== (user.phone ?? '')) {
      const result = await savePhone({ input: { phone: phone.trim(), expectedVersion: version } });
      const outcome = mutationOutcome(t, result, result.data?.updateMyPhone, ['phone']);
      if (!outcome.ok) {
        setErrors(outcome.fieldErrors);
        setFormError(outcome.formError);
        return;
      }
    }
    setDone(true);
    onChange();
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="preferences-card">
      <h2 id={`${id}-title`}>{t('account.preferences.title')}</h2>
      <FormError message={formError} />
      {done && (
        <p className="alert alert-success" role="status" data-testid="preferences-saved">
          {t('account.preferences.saved')}
        </p>
      )}
      <form className="form" noValidate onSubmit={onSubmit} aria-busy={busy} data-testid="preferences-form">
        <PreferenceFields prefix="preferences" language={language} timeZone={timeZone} onLanguage={setLanguage} onTimeZone={setTimeZone} errors={errors} />
        {user.viewerCan.setPhone && (
          <FormField
            id="preferences-phone"
            type="tel"
            label={t('profile.phone')}
            hint={t('account.preferences.phoneHint')}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            autoComplete="tel"
            error={errors['phone']}
          />
        )}
        <div className="form-actions">
          <button type="submit" className="button button-secondary" disabled={busy} data-testid="preferences-submit">
            {t('common.save')}
          </button>
          <Progress busy={busy} />
        </div>
      </form>
    </section>
  );
}
