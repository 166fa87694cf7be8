import { Fragment } from 'react';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { useI18n } from '../../../i18n/context';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { DeveloperMailboxQuery } from '../../auth/operations';

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Plain text with its web addresses turned into links. */
export function linkify(text: string): (string | { href: string })[] {
  return text.split(URL_PATTERN).map((part, i) => (i % 2 === 1 ? { href: part } : part)).filter((p) => p !== '');
}

/** `/dev/mailbox`: the emails the server queued (developer mailbox, no SMTP configured). */
export function MailboxPage() {
  const { t } = useI18n();
  useDocumentTitle(t('mailbox.title'));
  const fmt = useDateFormat();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: DeveloperMailboxQuery,
    variables: { first: 50 },
    requestPolicy: 'network-only',
  });
  const messages = data?.developerMailbox?.nodes ?? [];
  return (
    <section data-testid="mailbox-page" aria-labelledby="page-heading">
      <PageHeading>{t('mailbox.title')}</PageHeading>
      <p className="lead">{t('mailbox.intro')}</p>
      <p>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => reexecute({ requestPolicy: 'network-only' })}
          disabled={fetching}
          data-testid="mailbox-refresh"
        >
          {t('mailbox.refresh')}
        </button>
      </p>
      {error ? (
        <QueryError error={error} testId="mailbox-error" />
      ) : !data ? (
        <p role="status" className="loading">
          {fetching ? t('common.working') : ''}
        </p>
      ) : messages.length === 0 ? (
        <p className="empty" data-testid="mailbox-empty">
          {t('mailbox.empty')}
        </p>
      ) : (
        <ul className="mail-list">
          {messages.map((m) => (
            <li key={m.id} className="card" data-testid="mail" data-to={m.to} data-template={m.template}>
              <h2 className="mail-subject" data-testid="mail-subject">
                {m.subject}
              </h2>
              <p className="muted small">
                {t('mailbox.to', { to: m.to })} · <time dateTime={m.createdAt}>{fmt.dateTime(m.createdAt)}</time> ·{' '}
                {m.template}
              </p>
              <pre className="mail-text" data-testid="mail-text">
                {linkify(m.text).map((p, i) =>
                  typeof p === 'string' ? (
                    <Fragment key={i}>{p}</Fragment>
                  ) : (
                    <a key={i} href={p.href} data-testid="mail-link">
                      {p.href}
                    </a>
                  ),
                )}
              </pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
