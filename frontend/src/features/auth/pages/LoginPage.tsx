import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { useMutation } from 'urql';
import { FormField, NewPasswordField, TotpCodeField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { ChangeExpiredPasswordMutation, LoginMutation } from '../operations';
import { userErrorsOf } from '../../../lib/userErrors';

/** Where to go after signing in: `?next=` when it is a path of this app, else the tenants. */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/tenants';
}

/**
 * Sign-in (`/login`): username or email and password, then the TOTP code
 * when the account has a second factor; an expired password (or one an
 * administrator asked to change) leads to the change-password form. On
 * success the app reloads at `?next=`: the session cookie then also
 * authenticates the live WebSocket.
 */
export function LoginPage() {
  const { t } = useI18n();
  useDocumentTitle(t('login.title'));
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [mustChange, setMustChange] = useState<'PASSWORD_EXPIRED' | 'PASSWORD_CHANGE_REQUIRED' | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<{ code: string; text: string } | null>(null);
  const [{ fetching: loggingIn }, login] = useMutation(LoginMutation);
  const [{ fetching: changing }, change] = useMutation(ChangeExpiredPasswordMutation);
  const alertRef = useRef<HTMLDivElement>(null);
  const [focusAlert, setFocusAlert] = useState(0);
  const busy = loggingIn || changing;
  useEffect(() => {
    if (focusAlert > 0) alertRef.current?.focus();
  }, [focusAlert]);

  const fail = (code: string, text: string): void => {
    setError({ code, text });
    setFocusAlert((n) => n + 1);
  };
  // R17: after a second-factor reset the user enrols at this sign-in.
  const done = (enrolSecondFactor = false): void => {
    window.location.assign(enrolSecondFactor ? '/account#totp-heading' : nextPath(location.search));
  };

  const onLogin = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (username.trim() === '' || password === '') {
      fail('REQUIRED', t('login.required'));
      return;
    }
    const result = await login({
      input: { username: username.trim(), password, ...(needTotp && totp.trim() ? { totpCode: totp.trim() } : {}) },
    });
    const payload = result.data?.login;
    if (result.error || !payload) {
      fail('REQUEST', result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
      return;
    }
    const first = userErrorsOf(payload.userErrors)[0];
    if (!first && payload.viewer) {
      done(payload.totpEnrollmentRequired);
      return;
    }
    if (!first) {
      fail('UNKNOWN', t('error.UNKNOWN'));
      return;
    }
    switch (first.code) {
      case 'TOTP_REQUIRED':
        setNeedTotp(true);
        fail(first.code, t('login.totpRequired'));
        return;
      case 'PASSWORD_EXPIRED':
      case 'PASSWORD_CHANGE_REQUIRED':
        setMustChange(first.code === 'PASSWORD_EXPIRED' ? 'PASSWORD_EXPIRED' : 'PASSWORD_CHANGE_REQUIRED');
        setError(null);
        return;
      default:
        fail(first.code, describeUserError(t, first));
    }
  };

  const onChange = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (newPassword === '') {
      fail('REQUIRED', t('form.required'));
      return;
    }
    const result = await change({
      input: {
        username: username.trim(),
        oldPassword: password,
        newPassword,
        ...(totp.trim() ? { totpCode: totp.trim() } : {}),
      },
    });
    const payload = result.data?.changeExpiredPassword;
    if (result.error || !payload) {
      fail('REQUEST', result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
      return;
    }
    const first = userErrorsOf(payload.userErrors)[0];
    if (first) {
      if (first.code === 'TOTP_REQUIRED') setNeedTotp(true);
      fail(first.code, describeUserError(t, first));
      return;
    }
    done();
  };

  const alert = error && (
    <div
      ref={alertRef}
      className="alert alert-error"
      role="alert"
      tabIndex={-1}
      data-testid="login-error"
      data-code={error.code}
    >
      <p>{error.text}</p>
    </div>
  );
  const progress = (
    <span role="status" className="progress" data-testid="login-progress">
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {t('login.progress')}
        </>
      ) : null}
    </span>
  );

  if (mustChange) {
    return (
      <section data-testid="change-expired-page" aria-labelledby="page-heading">
        <PageHeading>{t('login.change.title')}</PageHeading>
        <p className="notice" data-testid="change-expired-reason">
          {mustChange === 'PASSWORD_EXPIRED' ? t('login.change.expired') : t('login.change.required')}
        </p>
        {alert}
        <form className="form" noValidate onSubmit={onChange} aria-busy={busy} data-testid="change-expired-form">
          <NewPasswordField
            id="change-new-password"
            label={t('login.change.newPassword')}
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            required
          />
          {needTotp && (
            <TotpCodeField
              id="change-totp"
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
              maxLength={6}
              required
            />
          )}
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy} data-testid="change-expired-submit">
              {t('login.change.submit')}
            </button>
            {progress}
          </div>
        </form>
      </section>
    );
  }

  return (
    <section data-testid="login-page" aria-labelledby="page-heading">
      <PageHeading>{t('login.title')}</PageHeading>
      {alert}
      <form className="form" noValidate onSubmit={onLogin} aria-busy={busy} data-testid="login-form">
        <FormField
          id="login-username"
          label={t('login.username')}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        <FormField
          id="login-password"
          type="password"
          label={t('login.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
        />
        {needTotp && (
          <TotpCodeField
            id="login-totp"
            hint={t('login.totpHint')}
            value={totp}
            onChange={(e) => setTotp(e.target.value)}
            maxLength={6}
            autoFocus
            required
          />
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy} data-testid="login-submit">
            {t('login.submit')}
          </button>
          {progress}
        </div>
      </form>
      <p>
        <Link to="/forgot-password" data-testid="login-forgot">
          {t('login.forgot')}
        </Link>
      </p>
    </section>
  );
}
