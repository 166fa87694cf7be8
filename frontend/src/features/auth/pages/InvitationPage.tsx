import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { DoneSignIn } from '../../../components/DoneSignIn';
import { NewPasswordField } from '../../../components/FormField';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { useI18n } from '../../../i18n/context';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { tokenFromHash } from '../../setup/token';
import { AcceptInvitationMutation, InvitationStatusQuery } from '../operations';
import { userErrorsOf } from '../../../lib/userErrors';

/**
 * `/invitation#token=…` (R14): the invited person chooses a password and the
 * account becomes active. An expired, used, replaced or unknown link says so.
 */
export function InvitationPage() {
  const { t } = useI18n();
  useDocumentTitle(t('invitation.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const fmt = useDateFormat();
  const [token] = useState(() => tokenFromHash(location.hash) ?? '');
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: InvitationStatusQuery,
    variables: { token },
    pause: token === '',
  });
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<string | null>(null);
  const [{ fetching: accepting }, accept] = useMutation(AcceptInvitationMutation);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (accepting) return;
    if (password === '') {
      setProblem(t('form.required'));
      return;
    }
    setProblem(null);
    const result = await accept({ input: { token, password } });
    const payload = result.data?.acceptInvitation;
    if (result.error || !payload) {
      setProblem(result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
      return;
    }
    const first = userErrorsOf(payload.userErrors)[0];
    if (first || !payload.username) {
      setProblem(first ? describeUserError(t, first) : t('error.UNKNOWN'));
      if (first?.code.startsWith('INVITATION_')) reexecute({ requestPolicy: 'network-only' });
      return;
    }
    setAccepted(payload.username);
    navigate({ pathname: location.pathname, hash: '' }, { replace: true });
  };

  if (accepted) {
    return <DoneSignIn name="invitation" title={t('invitation.done.title')} body={t('invitation.done.body', { username: accepted })} />;
  }

  const status = data?.invitationStatus;
  let body;
  if (token === '') {
    body = (
      <p className="notice" data-testid="invitation-state" data-state="INVALID">
        {t('invitation.state.INVALID')}
      </p>
    );
  } else if (error) {
    body = <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="invitation-error" />;
  } else if (!status) {
    body = (
      <p role="status" className="loading">
        {fetching ? t('common.working') : ''}
      </p>
    );
  } else if (status.state !== 'VALID') {
    body = (
      <div className="notice" data-testid="invitation-state" data-state={status.state} role="alert">
        <p>{t(`invitation.state.${status.state}`)}</p>
        {status.state === 'EXPIRED' && status.expiresAt && (
          <p className="small">{t('invitation.expiredAt', { date: fmt.dateTime(status.expiresAt) })}</p>
        )}
        {status.state === 'USED' && (
          <p>
            <Link to="/login">{t('setup.done.login')}</Link>
          </p>
        )}
      </div>
    );
  } else {
    body = (
      <>
        <p className="lead" data-testid="invitation-username">
          {t('invitation.intro', { username: status.username ?? '' })}
        </p>
        {status.expiresAt && (
          <p className="muted small">{t('invitation.validUntil', { date: fmt.dateTime(status.expiresAt) })}</p>
        )}
        {problem && (
          <div className="alert alert-error" role="alert" data-testid="invitation-problem">
            <p>{problem}</p>
          </div>
        )}
        <form className="form" noValidate onSubmit={onSubmit} aria-busy={accepting} data-testid="invitation-form">
          {/* Lets password managers store the pair. */}
          <input type="text" name="username" autoComplete="username" value={status.username ?? ''} readOnly hidden />
          <NewPasswordField
            id="invitation-password"
            label={t('invitation.password')}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={accepting} data-testid="invitation-submit">
              {t('invitation.submit')}
            </button>
            <span role="status" className="progress">
              {accepting ? (
                <>
                  <span className="spinner" aria-hidden="true" />
                  {t('common.working')}
                </>
              ) : null}
            </span>
          </div>
        </form>
      </>
    );
  }

  return (
    <section data-testid="invitation-page" aria-labelledby="page-heading">
      <PageHeading>{t('invitation.title')}</PageHeading>
      {body}
    </section>
  );
}
