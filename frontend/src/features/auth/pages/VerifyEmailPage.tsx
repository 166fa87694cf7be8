import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { PageHeading } from '../../../components/PageHeading';
import { Progress } from '../../../components/Progress';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { tokenFromHash } from '../../setup/token';
import { ConfirmEmailChangeMutation } from '../operations';

/**
 * `/verify-email#token=…` (R3): confirms the new work email from the link
 * sent to it. One button rather than confirming on load, so that mail
 * scanners that open links do not spend the token.
 */
export function VerifyEmailPage() {
  const { t } = useI18n();
  useDocumentTitle(t('verifyEmail.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromHash(location.hash) ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [email, setEmail] = useState<string | null>(null);
  const [{ fetching }, confirm] = useMutation(ConfirmEmailChangeMutation);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (email !== null) doneRef.current?.focus();
  }, [email]);

  const onConfirm = async (): Promise<void> => {
    setProblem(null);
    const result = await confirm({ input: { token } });
    const outcome = mutationOutcome(t, result, result.data?.confirmEmailChange);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setEmail(outcome.payload.user?.email ?? '');
    navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  };

  return (
    <section data-testid="verify-email-page" aria-labelledby="page-heading">
      <PageHeading>{t('verifyEmail.title')}</PageHeading>
      {email !== null ? (
        <div ref={doneRef} tabIndex={-1} className="alert alert-success" role="status" data-testid="verify-email-done">
          <p>{t('verifyEmail.done', { email })}</p>
        </div>
      ) : token === '' ? (
        <p className="notice" role="alert">
          {t('userError.INVALID_TOKEN')}
        </p>
      ) : (
        <>
          <p className="lead">{t('verifyEmail.intro')}</p>
          {problem && (
            <div className="alert alert-error" role="alert" data-testid="verify-email-error">
              <p>{problem}</p>
            </div>
          )}
          <div className="form-actions">
            <button type="button" className="button" onClick={() => void onConfirm()} disabled={fetching} data-testid="verify-email-submit">
              {t('verifyEmail.submit')}
            </button>
            <Progress busy={fetching} />
          </div>
        </>
      )}
      <p>
        <Link to="/account">{t('account.title')}</Link>
      </p>
    </section>
  );
}
