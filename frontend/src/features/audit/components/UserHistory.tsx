import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { QueryError } from '../../../components/QueryError';
import { useI18n } from '../../../i18n/context';
import { actionLabel, eventLine } from '../actionLabels';
import { UserHistoryQuery } from '../operations';

const PAGE_SIZE = 10;

/**
 * A user's history on their profile (issue 19.6): every change about them
 * (profile, roles, groups, memberships, nominations) in the tenants whose
 * audit trail the viewer may read, newest first, as sentences. A new
 * `watch` value (the profile refetched after a change) refreshes it.
 */
export function UserHistory({ userId, watch }: { userId: string; watch?: unknown }) {
  const { t } = useI18n();
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <section className="card" aria-labelledby="history-heading" data-testid="profile-history">
      <h2 id="history-heading">{t('audit.history.title')}</h2>
      <p className="muted small">{t('audit.history.intro')}</p>
      <ol className="audit-history">
        {pages.map((after, i) => (
          <HistoryPage
            key={after ?? ''}
            userId={userId}
            after={after}
            first={i === 0}
            watch={i === 0 ? watch : undefined}
            last={i === pages.length - 1}
            onMore={(cursor) => setPages((list) => [...list, cursor])}
          />
        ))}
      </ol>
      <p>
        <Link to={`/audit?${new URLSearchParams({ user: userId }).toString()}`} className="small" data-testid="profile-history-all">
          {t('audit.history.all')}
        </Link>
      </p>
    </section>
  );
}

interface PageProps {
  userId: string;
  after: string | null;
  first: boolean;
  last: boolean;
  watch: unknown;
  onMore: (cursor: string) => void;
}

function HistoryPage({ userId, after, first, last, watch, onMore }: PageProps) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: UserHistoryQuery,
    variables: { userId, first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const seen = useRef(watch);
  useEffect(() => {
    if (seen.current === watch) return;
    seen.current = watch;
    reexecute({ requestPolicy: 'network-only' });
  }, [watch, reexecute]);
  if (error) {
    return (
      <li>
        <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="profile-history-error" />
      </li>
    );
  }
  const page = data?.auditEvents;
  if (!page) {
    return (
      <li role="status" className="loading">
        {fetching ? t('common.working') : ''}
      </li>
    );
  }
  return (
    <>
      {first && page.nodes.length === 0 && (
        <li className="empty" data-testid="profile-history-empty">
          {t('audit.history.empty')}
        </li>
      )}
      {page.nodes.map((e) => (
        <li key={e.id} data-testid="profile-history-event" data-action={e.action}>
          <time dateTime={e.createdAt} className="muted small">
            {fmt.dateTime(e.createdAt)}
          </time>{' '}
          <span className="badge badge-neutral">{actionLabel(t, e.action)}</span> <span data-testid="profile-history-line">{eventLine(t, e)}</span>
        </li>
      ))}
      {last && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <li>
          <button type="button" className="button button-secondary button-small" onClick={() => onMore(page.pageInfo.endCursor ?? '')} data-testid="profile-history-more">
            {t('common.loadMore')}
          </button>
        </li>
      )}
    </>
  );
}
