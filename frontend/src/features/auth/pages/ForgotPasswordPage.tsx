import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { FormField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { Progress } from '../../../components/Progress';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome } from '../../../lib/mutationOutcome';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { RequestAccountRecoveryMutation } from '../operations';

/**
 * `/forgot-password` (R16, seed "Password dimenticata / Riattiva utenza"):
 * the person types a username or email and gets a reset link that also
 * unlocks a locked account. The answer is the same whether or not the
 * account exists, so the page cannot be used to probe for accounts.
 */
export function ForgotPasswordPage() {
  const { t } = useI18n();
  useDocumentTitle(t('recovery.title'));
  const [identifier, setIdentifier] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [{ fetching }, request] = useMutation(RequestAccountRecoveryMutation);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sentTo) doneRef.current?.focus();
  }, [sentTo]);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    const value = identifier.trim();
    if (value === '') {
      setFieldError(t('form.required'));
      return;
    }
    setFieldError(undefined);
    const result = await request({ input: { usernameOrEmail: value } });
    const outcome = mutationOutcome(t, result, result.data?.requestAccountRecovery, ['usernameOrEmail']);
    if (!outcome.ok) {
      setFieldError(outcome.fieldErrors['usernameOrEmail']);
      setFormError(outcome.formError);
      return;
    }
    setSentTo(value);
  };

  return (
    <section data-testid="recovery-page" aria-labelledby="page-heading">
      <PageHeading>{t('recovery.title')}</PageHeading>
      {sentTo ? (
        <div ref={doneRef} tabIndex={-1} className="alert alert-success" role="status" data-testid="recovery-sent">
          <p>{t('recovery.sent', { who: sentTo })}</p>
          <p className="small">{t('recovery.sentHint')}</p>
        </div>
      ) : (
        <>
          <p className="lead">{t('recovery.intro')}</p>
          {formError && (
            <div className="alert alert-error" role="alert" data-testid="recovery-error">
              <p>{formError}</p>
            </div>
          )}
          <form className="form" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="recovery-form">
            <FormField
              id="recovery-identifier"
              label={t('login.username')}
              value={identifier}
              onChange={(e) => setIdentifier(e.target.value)}
              autoComplete="username"
              autoCapitalize="off"
              spellCheck={false}
              error={fieldError}
              required
            />
            <div className="form-actions">
              <button type="submit" className="button" disabled={fetching} data-testid="recovery-submit">
                {t('recovery.submit')}
              </button>
              <Progress busy={fetching} />
            </div>
          </form>
        </>
      )}
      <p>
        <Link to="/login" data-testid="recovery-login">
          {t('recovery.backToLogin')}
        </Link>
      </p>
    </section>
  );
}
