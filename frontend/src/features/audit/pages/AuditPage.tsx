import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { useViewer } from '../../../app/viewer';
import { PageHeading } from '../../../components/PageHeading';
import { QueryError } from '../../../components/QueryError';
import { TenantPicker } from '../../../components/TenantPicker';
import { SortHeader } from '../../../components/SortHeader';
import type { AuditEventFilter, AuditEventOrder, AuditEventOrderField, AuditEventsQuery as AuditData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { pluralForm } from '../../../lib/plural';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { useLiveRefetch } from '../../users/useLiveRefetch';
import { actionLabel, eventLine } from '../actionLabels';
import {
  auditFilter,
  auditOrder,
  auditSortOf,
  nextAuditSort,
  NO_AUDIT_PARAMS,
  readAuditParams,
  writeAuditParams,
  type AuditParams,
} from '../auditParams';
import { AuditActionsQuery, AuditEventsQuery, AuditUserQuery } from '../operations';
import { displayName } from '../../users/grouping';
import { FieldChanges, useFieldLabel } from '../components/FieldChanges';

const PAGE_SIZE = 25;

type AuditEvent = NonNullable<AuditData['auditEvents']>['nodes'][number];

/**
 * `/audit` (R26): the audit trail, newest first unless the When or Action
 * column sorts it otherwise (issue 15.3), filtered by tenant, actor, target,
 * action and time range (all in the URL); "show more" pages on with the
 * cursor. New changes refresh the first page live.
 */
export function AuditPage() {
  const { t } = useI18n();
  useDocumentTitle(t('audit.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const zone = useViewer()?.user.timeZone;
  const params = readAuditParams(location.search);
  const filter = auditFilter(params, zone);
  const orderBy = auditOrder(params);
  const sort = auditSortOf(params);
  const onSort = (field: AuditEventOrderField): void => apply({ ...params, sort: nextAuditSort(params, field) });
  const [draft, setDraft] = useState(params);
  const key = location.search;
  // A new URL (a filter applied or cleared) resets the form while rendering,
  // not in an effect after the paint: a choice made in between (a fast user,
  // a test on a slow machine) was overwritten by the effect, and "apply" then
  // sent the cleared filters.
  const [draftKey, setDraftKey] = useState(key);
  if (draftKey !== key) {
    setDraftKey(key);
    setDraft(readAuditParams(key));
  }
  const apply = (next: AuditParams): void => {
    void navigate({ pathname: '/audit', search: writeAuditParams(next) });
  };
  const formId = useId();
  // Extra pages after the first, by their `after` cursor; a new filter starts over.
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors([]), [key]);
  // One subscription for the page: any change refreshes the first page.
  const [liveTick, setLiveTick] = useState(0);
  const onLive = useCallback(() => setLiveTick((n) => n + 1), []);
  useLiveRefetch(onLive, undefined, 'all');

  const onSubmit = (e: FormEvent<HTMLFormElement>): void => {
    e.preventDefault();
    apply(draft);
  };

  return (
    <section data-testid="audit-page" aria-labelledby="page-heading">
      <PageHeading>{t('audit.title')}</PageHeading>
      <p className="lead">{t('audit.intro')}</p>
      <form className="filters form-grid" onSubmit={onSubmit} aria-label={t('audit.filters')} data-testid="audit-filters">
        <TenantPicker
          value={draft.tenant}
          onChange={(tenant) => setDraft({ ...draft, tenant })}
          allowAll
          allLabel={t('audit.allTenants')}
          testId="audit-tenant"
        />
        <ActionSelect id={`${formId}-action`} value={draft.action} onChange={(action) => setDraft({ ...draft, action })} />
        <div className="field">
          <label htmlFor={`${formId}-from`}>{t('audit.from')}</label>
          <input
            id={`${formId}-from`}
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            data-testid="audit-from"
          />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-to`}>{t('audit.to')}</label>
          <input
            id={`${formId}-to`}
            type="datetime-local"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            data-testid="audit-to"
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => apply({ ...NO_AUDIT_PARAMS, sort: params.sort })}
            data-testid="audit-clear"
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      {(params.actor || params.target || params.user) && (
        <ul className="chips" aria-label={t('audit.activeFilters')} data-testid="audit-chips">
          {params.actor && (
            <li className="chip">
              {t('audit.byActor', { id: params.actor })}{' '}
              <button type="button" className="chip-remove" onClick={() => apply({ ...params, actor: '' })} aria-label={t('audit.removeFilter')} data-testid="audit-chip-actor">
                ×
              </button>
            </li>
          )}
          {params.user && (
            <li className="chip">
              <AboutUserChipText userId={params.user} />{' '}
              <button type="button" className="chip-remove" onClick={() => apply({ ...params, user: '' })} aria-label={t('audit.removeFilter')} data-testid="audit-chip-user">
                ×
              </button>
            </li>
          )}
          {params.target && (
            <li className="chip">
              {t('audit.onTarget', { id: params.target })}{' '}
              <button type="button" className="chip-remove" onClick={() => apply({ ...params, target: '' })} aria-label={t('audit.removeFilter')} data-testid="audit-chip-target">
                ×
              </button>
            </li>
          )}
        </ul>
      )}
      <AuditPageRows
        filter={filter}
        orderBy={orderBy}
        sort={sort}
        onSort={onSort}
        after={null}
        first
        liveTick={liveTick}
        onFilter={(patch) => apply({ ...params, ...patch })}
        onMore={(c) => setCursors([c])}
        hasMoreShown={cursors.length > 0}
      />
      {cursors.map((c, i) => (
        <AuditPageRows
          key={c}
          filter={filter}
          orderBy={orderBy}
          sort={sort}
          onSort={onSort}
          after={c}
          first={false}
          liveTick={0}
          onFilter={(patch) => apply({ ...params, ...patch })}
          onMore={(next) => setCursors((list) => [...list.slice(0, i + 1), next])}
          hasMoreShown={i < cursors.length - 1}
        />
      ))}
    </section>
  );
}

interface RowsProps {
  filter: AuditEventFilter;
  orderBy: AuditEventOrder | undefined;
  sort: { field: AuditEventOrderField; desc: boolean };
  onSort: (field: AuditEventOrderField) => void;
  after: string | null;
  first: boolean;
  /** Changes seen live so far; each new one refetches (first page only). */
  liveTick: number;
  onFilter: (patch: Partial<AuditParams>) => void;
  onMore: (cursor: string) => void;
  hasMoreShown: boolean;
}

/** One page of events: the first page has the table header, the count and the live refresh. */
function AuditPageRows({ filter, orderBy, sort, onSort, after, first, liveTick, onFilter, onMore, hasMoreShown }: RowsProps) {
  const { t, locale } = useI18n();
  const fmt = useDateFormat();
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: AuditEventsQuery,
    variables: { filter, orderBy, first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const [live, setLive] = useState('');
  useEffect(() => {
    if (!first || liveTick === 0) return;
    refetch();
    setLive(t('live.listUpdated', { time: new Date().toLocaleTimeString() }));
    // Only a new change refetches (not a language switch).
  }, [liveTick]);

  if (error) return <QueryError error={error} onRetry={refetch} testId="audit-error" />;
  const page = data?.auditEvents;
  if (!page) {
    return (
      <p role="status" className="loading">
        {fetching ? t('common.working') : ''}
      </p>
    );
  }
  return (
    <>
      {first && (
        <>
          <p className="list-summary" data-testid="audit-total">
            {t(`audit.total.${pluralForm(locale, page.totalCount)}`, { count: page.totalCount })}
            {fetching && <span className="refreshing"> · {t('common.working')}</span>}
          </p>
          <p role="status" className="visually-hidden" data-testid="audit-live-status">
            {live}
          </p>
        </>
      )}
      {page.nodes.length === 0 && first ? (
        <p className="empty" data-testid="audit-empty">
          {t('audit.empty')}
        </p>
      ) : (
        <table className="data-table audit-table" data-testid="audit-table">
          {first && <caption className="visually-hidden">{t('audit.title')}</caption>}
          <thead className={first ? undefined : 'visually-hidden'}>
            <tr>
              <SortHeader field="CREATED_AT" label={t('audit.when')} sort={sort} onSort={onSort} testId="audit-sort-CREATED_AT" />
              <SortHeader field="ACTION" label={t('audit.action')} sort={sort} onSort={onSort} testId="audit-sort-ACTION" />
              <th scope="col">{t('audit.whatHappened')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('common.tenant')}</th>
              <th scope="col">{t('audit.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {page.nodes.map((e) => (
              <AuditRow key={e.id} event={e} onFilter={onFilter} dateTime={fmt.dateTime(e.createdAt)} />
            ))}
          </tbody>
        </table>
      )}
      {page.pageInfo.hasNextPage && page.pageInfo.endCursor && !hasMoreShown && (
        <p className="pagination">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => onMore(page.pageInfo.endCursor ?? '')}
            data-testid="audit-more"
          >
            {t('common.loadMore')}
          </button>
        </p>
      )}
    </>
  );
}

function AuditRow({ event: e, onFilter, dateTime }: { event: AuditEvent; onFilter: RowsProps['onFilter']; dateTime: string }) {
  const { t } = useI18n();
  const fieldLabel = useFieldLabel();
  return (
    <tr data-testid="audit-event" data-action={e.action}>
      <td>
        <time dateTime={e.createdAt}>{dateTime}</time>
      </td>
      <td data-testid="audit-event-action" title={t('audit.actionCode', { code: e.action })}>
        {actionLabel(t, e.action)}
      </td>
      <td>
        <span data-testid="audit-event-line">{eventLine(t, e)}</span>
        {e.subjectUser && (
          <>
            {' '}
            <Link
              to={`/users/${encodeURIComponent(e.subjectUser.id)}`}
              className="small"
              aria-label={t('audit.openProfile', { name: e.subjectLabel ?? '' })}
              data-testid="audit-event-subject"
            >
              {t('audit.profile')}
            </Link>
          </>
        )}
        {e.targetId && (
          <>
            {' '}
            <button
              type="button"
              className="link-button small"
              onClick={() => onFilter({ target: e.targetId ?? '' })}
              aria-label={t('audit.filterTarget', { type: e.targetType })}
              data-testid="audit-filter-target"
            >
              {t('audit.filter')}
            </button>
          </>
        )}
      </td>
      <td>
        <span data-testid="audit-event-actor" title={e.actorLabel}>
          {e.actorName}
        </span>
        {e.actor && (
          <>
            {' '}
            <button
              type="button"
              className="link-button small"
              onClick={() => onFilter({ actor: e.actor?.id ?? '' })}
              aria-label={t('audit.filterActor', { name: e.actorName })}
              data-testid="audit-filter-actor"
            >
              {t('audit.filter')}
            </button>
          </>
        )}
        {e.ip && <div className="muted small mono">{e.ip}</div>}
      </td>
      <td>{e.tenant?.name ?? <span className="muted">—</span>}</td>
      <td>
        {e.changes.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <details>
            <summary data-testid="audit-changes-summary">{e.changes.map((c) => fieldLabel(c.field)).join(', ')}</summary>
            <FieldChanges changes={e.changes} />
            <p className="muted small">
              {t('audit.requestId')} <span className="mono">{e.requestId}</span>
            </p>
          </details>
        )}
      </td>
    </tr>
  );
}

/** The action filter: every code the server records, by its translated label. */
function ActionSelect({ id, value, onChange }: { id: string; value: string; onChange: (action: string) => void }) {
  const { t } = useI18n();
  const [{ data }] = useQuery({ query: AuditActionsQuery });
  const codes = data?.auditActions ?? [];
  const options = codes
    .map((code) => ({ code, label: actionLabel(t, code) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  // A code typed in the URL that the list lacks stays selectable.
  if (value && !codes.includes(value)) options.unshift({ code: value, label: actionLabel(t, value) });
  return (
    <div className="field">
      <label htmlFor={id}>{t('audit.action')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="audit-action">
        <option value="">{t('audit.allActions')}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "About: Luca Bianchi" for the user filter (the ID when the user is not visible). */
function AboutUserChipText({ userId }: { userId: string }) {
  const { t } = useI18n();
  const [{ data }] = useQuery({ query: AuditUserQuery, variables: { id: userId } });
  const node = data?.node;
  const name = node && node.__typename === 'User' ? (displayName(node) ?? node.username) : userId;
  return <span data-testid="audit-chip-user-name">{t('audit.aboutUser', { name })}</span>;
}
