import type { CombinedError } from '@urql/core';
import { useEffect } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n/context';
import { errorCode } from '../lib/graphql/errors';

interface Props {
  error: CombinedError;
  onRetry?: () => void;
  testId: string;
}

/** A failed query, explained where its data would have been, with a retry. */
export function QueryError({ error, onRetry, testId }: Props) {
  const { t } = useI18n();
  const code = errorCode(error);
  const navigate = useNavigate();
  const location = useLocation();
  // A session that ended (or never began): straight to the sign-in page, back here afterwards.
  useEffect(() => {
    if (code !== 'UNAUTHENTICATED' || location.pathname === '/login') return;
    const next = `${location.pathname}${location.search}`;
    navigate(`/login?${new URLSearchParams({ next }).toString()}`, { replace: true });
  }, [code, location.pathname, location.search, navigate]);
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-error-code={code}>
      <p className="alert-title">{t('error.title')}</p>
      <p>{t(`error.${code}`)}</p>
      {code === 'UNAUTHENTICATED' && (
        <p>
          <Link to="/login" data-testid={`${testId}-login`}>
            {t('error.signIn')}
          </Link>
        </p>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry} data-testid={`${testId}-retry`}>
          {t('error.retry')}
        </button>
      )}
    </div>
  );
}
