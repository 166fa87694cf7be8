import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { DoneSignIn } from '../../../components/DoneSignIn';
import { FormField, NewPasswordField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { useI18n } from '../../../i18n/context';
import { translateDynamic } from '../../../i18n/translate';
import { catalogs } from '../../../i18n/catalogs';
import { errorCode } from '../../../lib/graphql/errors';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { errorsByField, userErrorsOf, type UserErrorLike } from '../../../lib/userErrors';
import { BootstrapPlatformAdminMutation } from '../operations';
import { tokenFromHash } from '../token';

type FieldName = 'token' | 'username' | 'email' | 'givenName' | 'familyName' | 'password';
const FIELDS: readonly FieldName[] = ['token', 'username', 'email', 'givenName', 'familyName', 'password'];

type Values = Record<FieldName, string>;

/** An error shown next to a field (or above the form for ''): a message key or the API's own text. */
type Problem = { code: string; message: string };

/**
 * First-run setup (`/setup#token=…`): creates the first platform
 * administrator with the one-time token the server printed at start. Each
 * userError is shown next to its field and listed in a summary that takes
 * focus; the form shows progress while the server hashes the password.
 */
export function SetupPage() {
  const { t } = useI18n();
  useDocumentTitle(t('setup.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const [hashToken] = useState(() => tokenFromHash(location.hash));
  const [values, setValues] = useState<Values>({
    token: hashToken ?? '',
    username: '',
    email: '',
    givenName: '',
    familyName: '',
    password: '',
  });
  const [problems, setProblems] = useState<Map<string, Problem>>(new Map());
  const [requestError, setRequestError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [{ fetching }, bootstrap] = useMutation(BootstrapPlatformAdminMutation);
  const summary = useRef<HTMLDivElement>(null);
  const [focusSummary, setFocusSummary] = useState(0);

  useEffect(() => {
    if (focusSummary > 0) summary.current?.focus();
  }, [focusSummary]);

  const describe = (p: Problem): string => {
    return translateDynamic(t, catalogs.it, `userError.${p.code}`) ?? p.message;
  };

  const showToken = !hashToken || problems.has('token');
  const set = (name: FieldName) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setRequestError(null);
    const missing = new Map<string, Problem>();
    for (const name of FIELDS) {
      if (values[name].trim() === '') missing.set(name, { code: 'REQUIRED', message: '' });
    }
    if (missing.size > 0) {
      setProblems(missing);
      setFocusSummary((n) => n + 1);
      return;
    }
    setProblems(new Map());
    const result = await bootstrap({
      input: {
        token: values.token.trim(),
        username: values.username.trim(),
        email: values.email.trim(),
        givenName: values.givenName.trim(),
        familyName: values.familyName.trim(),
        password: values.password,
      },
    });
    const payload = result.data?.bootstrapPlatformAdmin;
    if (result.error || !payload) {
      setRequestError(result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
      setFocusSummary((n) => n + 1);
      return;
    }
    if (payload.userErrors.length > 0 || !payload.user) {
      setProblems(toProblems(userErrorsOf(payload.userErrors)));
      setFocusSummary((n) => n + 1);
      return;
    }
    setCreated(payload.user.username);
    // The token is spent: drop it from the address bar and the history entry.
    navigate({ pathname: location.pathname, search: location.search, hash: '' }, { replace: true });
  };

  if (created) {
    return <DoneSignIn name="setup" title={t('setup.done.title')} body={t('setup.done.body', { username: created })} />;
  }

  const formProblem = problems.get('');
  const fieldError = (name: FieldName): string | undefined => {
    const p = problems.get(name);
    if (!p) return undefined;
    return p.code === 'REQUIRED' ? t('form.required') : describe(p);
  };
  const listed = FIELDS.filter((f) => problems.has(f));
  const labels: Record<FieldName, string> = {
    token: t('setup.field.token'),
    username: t('setup.field.username'),
    email: t('setup.field.email'),
    givenName: t('setup.field.givenName'),
    familyName: t('setup.field.familyName'),
    password: t('setup.field.password'),
  };

  return (
    <section data-testid="setup-page" aria-labelledby="page-heading">
      <PageHeading>{t('setup.title')}</PageHeading>
      <p className="lead">{t('setup.intro')}</p>
      {!hashToken && (
        <p className="notice" data-testid="setup-no-token">
          {t('setup.noToken')}
        </p>
      )}

      {(listed.length > 0 || formProblem || requestError) && (
        <div
          ref={summary}
          className="alert alert-error error-summary"
          role="alert"
          tabIndex={-1}
          aria-labelledby="setup-summary-title"
          data-testid="setup-error-summary"
        >
          <p id="setup-summary-title" className="alert-title">
            {t('form.errorSummary')}
          </p>
          {requestError && <p data-testid="setup-request-error">{requestError}</p>}
          {formProblem && (
            <p data-testid="setup-form-error" data-code={formProblem.code}>
              {describe(formProblem)}
              {formProblem.code === 'ALREADY_SET_UP' && (
                <>
                  {' '}
                  <Link to="/login">{t('setup.done.login')}</Link>
                </>
              )}
            </p>
          )}
          {listed.length > 0 && (
            <ul>
              {listed.map((name) => (
                <li key={name}>
                  <a
                    href={`#setup-${name}`}
                    onClick={(e) => {
                      // The fragment holds the token: move focus without touching the URL.
                      e.preventDefault();
                      document.getElementById(`setup-${name}`)?.focus();
                    }}
                  >
                    {labels[name]}: {fieldError(name)}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="setup-form">
        {showToken && (
          <FormField
            id="setup-token"
            label={labels.token}
            hint={t('setup.field.tokenHint')}
            error={fieldError('token')}
            value={values.token}
            onChange={set('token')}
            autoComplete="off"
            spellCheck={false}
            required
          />
        )}
        <FormField
          id="setup-givenName"
          label={labels.givenName}
          error={fieldError('givenName')}
          value={values.givenName}
          onChange={set('givenName')}
          autoComplete="given-name"
          maxLength={100}
          required
        />
        <FormField
          id="setup-familyName"
          label={labels.familyName}
          error={fieldError('familyName')}
          value={values.familyName}
          onChange={set('familyName')}
          autoComplete="family-name"
          maxLength={100}
          required
        />
        <FormField
          id="setup-username"
          label={labels.username}
          hint={t('setup.field.usernameHint')}
          error={fieldError('username')}
          value={values.username}
          onChange={set('username')}
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          maxLength={64}
          required
        />
        <FormField
          id="setup-email"
          type="email"
          label={labels.email}
          hint={t('setup.field.emailHint')}
          error={fieldError('email')}
          value={values.email}
          onChange={set('email')}
          autoComplete="email"
          required
        />
        <NewPasswordField
          id="setup-password"
          label={labels.password}
          error={fieldError('password')}
          value={values.password}
          onChange={set('password')}
          required
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={fetching} data-testid="setup-submit">
            {fetching ? t('setup.submitting') : t('setup.submit')}
          </button>
          <span role="status" className="progress" data-testid="setup-progress">
            {fetching ? (
              <>
                <span className="spinner" aria-hidden="true" />
                {t('setup.progress')}
              </>
            ) : null}
          </span>
        </div>
      </form>
    </section>
  );
}

/** userErrors keyed by form field; unknown fields are shown above the form. */
function toProblems(errors: readonly UserErrorLike[]): Map<string, Problem> {
  const out = new Map<string, Problem>();
  for (const [field, e] of errorsByField(errors)) {
    const key = (FIELDS as readonly string[]).includes(field) ? field : '';
    if (!out.has(key)) out.set(key, { code: e.code, message: e.message });
  }
  return out;
}
