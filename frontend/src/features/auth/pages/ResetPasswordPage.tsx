import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { DoneSignIn } from '../../../components/DoneSignIn';
import { NewPasswordField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { Progress } from '../../../components/Progress';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome } from '../../../lib/mutationOutcome';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { tokenFromHash } from '../../setup/token';
import { ResetPasswordWithTokenMutation } from '../operations';

/** Reset-link failures that no new password can fix: the person needs a new link. */
const DEAD_LINK = new Set(['RESET_TOKEN_INVALID', 'RESET_TOKEN_EXPIRED', 'RESET_TOKEN_USED']);

/**
 * `/reset-password#token=…`: the page behind the emailed reset link (R16,
 * R17). A new password; a locked account becomes active again. The token
 * stays in the fragment (never sent to the server in a URL) and leaves the
 * address bar once used.
 */
export function ResetPasswordPage() {
  const { t } = useI18n();
  useDocumentTitle(t('reset.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromHash(location.hash) ?? '');
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<{ code: string; text: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [{ fetching }, reset] = useMutation(ResetPasswordWithTokenMutation);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    if (password === '') {
      setFieldError(t('form.required'));
      return;
    }
    setFieldError(undefined);
    const result = await reset({ input: { token, password } });
    const outcome = mutationOutcome(t, result, result.data?.resetPasswordWithToken, ['password', 'token']);
    if (!outcome.ok) {
      setFieldError(outcome.fieldErrors['password']);
      const tokenProblem = outcome.fieldErrors['token'];
      const text = tokenProblem ?? outcome.formError;
      if (text) setFormError({ code: outcome.code, text });
      return;
    }
    setDone(outcome.payload.username ?? '');
    navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  };

  if (done !== null) {
    return <DoneSignIn name="reset" title={t('reset.done.title')} body={t('reset.done.body', { username: done })} />;
  }

  return (
    <section data-testid="reset-page" aria-labelledby="page-heading">
      <PageHeading>{t('reset.title')}</PageHeading>
      {token === '' ? (
        <div className="notice" role="alert" data-testid="reset-no-token">
          <p>{t('userError.RESET_TOKEN_INVALID')}</p>
          <p>
            <Link to="/forgot-password">{t('reset.newLink')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p className="lead">{t('reset.intro')}</p>
          {formError && (
            <div className="alert alert-error" role="alert" data-testid="reset-error" data-code={formError.code}>
              <p>{formError.text}</p>
              {DEAD_LINK.has(formError.code) && (
                <p>
                  <Link to="/forgot-password" data-testid="reset-new-link">
                    {t('reset.newLink')}
                  </Link>
                </p>
              )}
            </div>
          )}
          <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="reset-form">
            <NewPasswordField
              id="reset-password"
              label={t('login.change.newPassword')}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={fieldError}
              required
            />
            <div className="form-actions">
              <button type="submit" className="button" disabled={fetching} data-testid="reset-submit">
                {t('reset.submit')}
              </button>
              <Progress busy={fetching} />
            </div>
          </form>
        </>
      )}
    </section>
  );
}
