import { useMemo } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { InfoIcon } from '../../../components/Icons';
import { PageHeading } from '../../../components/PageHeading';
import { EmptyValue, PersonalValue } from '../../../components/PersonalValue';
import { QueryError } from '../../../components/QueryError';
import { AssignmentStatusBadge, CategoryBadge, UserStatusBadge } from '../../../components/StatusBadge';
import type { UserProfileQuery as UserProfileData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { LOCALE_NAMES, matchLocale } from '../../../i18n/translate';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { AssignmentActions } from '../components/AssignmentActions';
import { displayName } from '../grouping';
import { UserProfileQuery } from '../operations';
import { productCards, sites, type ProductCard } from '../profile';

type ProfileUser = Extract<NonNullable<UserProfileData['node']>, { __typename: 'User' }>;

/** `/users?tenant=…`: the users of one tenant. */
function tenantUsersPath(tenantId: string): string {
  return `/users?${new URLSearchParams({ tenant: tenantId }).toString()}`;
}

/**
 * User profile (seed "Utenti"): the identity card, one card per product
 * and tenant with the roles and their state, and the sites the user is
 * attached to. Actions appear as their mutations reach the API (actions.ts).
 */
export function UserProfilePage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '';
  const [{ data, error, fetching }, reexecute] = useQuery({ query: UserProfileQuery, variables: { id } });
  const user = data?.node?.__typename === 'User' ? (data.node as ProfileUser) : undefined;
  const title = user ? (displayName(user) ?? user.username) : t('profile.title');
  useDocumentTitle(title);

  let body;
  if (user) {
    body = <Profile user={user} />;
  } else if (error) {
    body = <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} testId="profile-error" />;
  } else if (data) {
    body = (
      <p className="empty" data-testid="profile-not-found">
        {t('profile.notFound')}
      </p>
    );
  } else {
    body = (
      <p role="status" className="loading" data-testid="profile-loading">
        {fetching ? t('profile.loading') : ''}
      </p>
    );
  }

  return (
    <section data-testid="profile-page" aria-labelledby="page-heading">
      <p className="breadcrumb">
        <Link to={`/users${from}`} data-testid="profile-back">
          ← {t('profile.back')}
        </Link>
      </p>
      <PageHeading>
        {user ? (
          <>
            <PersonalValue value={displayName(user)} />
            {displayName(user) === null && <span className="heading-username"> {user.username}</span>}
          </>
        ) : (
          t('profile.title')
        )}
      </PageHeading>
      {body}
    </section>
  );
}

function Profile({ user }: { user: ProfileUser }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const cards = useMemo(() => productCards(user.memberships), [user.memberships]);
  const siteList = useMemo(() => sites(user.memberships, user.homeTenant?.id), [user.memberships, user.homeTenant]);
  const restricted = user.givenName === null && user.familyName === null;
  const userLabel = displayName(user) ?? user.username;
  const language = matchLocale(user.language);

  return (
    <>
      <div className="profile-status">
        <UserStatusBadge status={user.status} />
        {user.kind === 'SERVICE' && <span className="badge badge-neutral">{t('users.serviceAccount')}</span>}
      </div>
      {restricted && (
        <p className="notice notice-small" data-testid="profile-restricted">
          {t('profile.restricted')}
        </p>
      )}

      <section className="card" aria-labelledby="identity-heading" data-testid="identity-card">
        <h2 id="identity-heading">{t('profile.identity')}</h2>
        <dl className="details">
          <div>
            <dt>{t('profile.givenName')}</dt>
            <dd data-testid="identity-givenName">
              <PersonalValue value={user.givenName} />
            </dd>
          </div>
          <div>
            <dt>{t('profile.familyName')}</dt>
            <dd data-testid="identity-familyName">
              <PersonalValue value={user.familyName} />
            </dd>
          </div>
          <div>
            <dt>{t('profile.taxCode')}</dt>
            <dd data-testid="identity-taxCode">
              {restricted ? <PersonalValue value={user.taxCode} /> : user.taxCode ? <span className="mono">{user.taxCode}</span> : <EmptyValue />}
            </dd>
          </div>
          <div>
            <dt>{t('profile.username')}</dt>
            <dd data-testid="identity-username" className="mono">
              {user.username}
            </dd>
          </div>
          <div>
            <dt>{t('profile.email')}</dt>
            <dd data-testid="identity-email">
              {restricted ? (
                <PersonalValue value={user.email} />
              ) : user.email ? (
                <>
                  {user.email}{' '}
                  <span className={`badge badge-${user.emailVerified ? 'ok' : 'warn'}`} data-testid="email-verified">
                    {user.emailVerified ? t('profile.emailVerified') : t('profile.emailNotVerified')}
                  </span>
                </>
              ) : (
                <EmptyValue />
              )}
            </dd>
          </div>
          <div>
            <dt>{t('profile.phone')}</dt>
            <dd data-testid="identity-phone">
              {restricted ? <PersonalValue value={user.phone} /> : user.phone ?? <EmptyValue />}
            </dd>
          </div>
          <div>
            <dt>{t('profile.homeTenant')}</dt>
            <dd data-testid="identity-homeTenant">
              {user.homeTenant ? user.homeTenant.name : <span className="muted">{t('profile.homeTenantHidden')}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('profile.language')}</dt>
            <dd>{language ? LOCALE_NAMES[language] : user.language}</dd>
          </div>
          <div>
            <dt>{t('profile.timeZone')}</dt>
            <dd>{user.timeZone}</dd>
          </div>
          <div>
            <dt>{t('profile.createdAt')}</dt>
            <dd data-testid="identity-createdAt">
              <time dateTime={user.createdAt}>{fmt.dateTime(user.createdAt)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('profile.updatedAt')}</dt>
            <dd data-testid="identity-updatedAt">
              <time dateTime={user.updatedAt}>{fmt.dateTime(user.updatedAt)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('profile.uid')}</dt>
            <dd className="mono small">{user.uid}</dd>
          </div>
        </dl>
        <ul className="identity-notes">
          {user.nameVerified && (
            <li data-testid="name-verified">
              <InfoIcon /> {t('profile.nameVerified')}
            </li>
          )}
          <li>
            <InfoIcon /> {t('profile.taxCodeLocked')}
          </li>
          {user.homeTenant && (
            <li data-testid="home-tenant-rule">
              <InfoIcon /> {t('profile.homeTenantRule', { tenant: user.homeTenant.name })}
            </li>
          )}
        </ul>
      </section>

      <section aria-labelledby="products-heading" data-testid="product-cards">
        <h2 id="products-heading">{t('profile.products')}</h2>
        {cards.length === 0 ? (
          <p className="empty" data-testid="product-cards-empty">
            {t('profile.noProducts')}
          </p>
        ) : (
          <div className="card-grid">
            {cards.map((card) => (
              <ProductCardView key={card.key} card={card} userLabel={userLabel} showTenant={siteList.length > 1} />
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="sites-heading" data-testid="sites">
        <h2 id="sites-heading">{t('profile.sites')}</h2>
        {siteList.length === 0 ? (
          <p className="empty">{t('profile.noSites')}</p>
        ) : (
          <ul className="site-list">
            {siteList.map((s) => (
              <li key={s.membershipId} className="site" data-testid="site" data-tenant-id={s.tenant.id}>
                <div>
                  <strong data-testid="site-name">{s.tenant.name}</strong>
                  {s.isHome && (
                    <span className="badge badge-info badge-inline" data-testid="site-home">
                      {t('profile.site.home')}
                    </span>
                  )}
                  {s.tenant.parent && (
                    <span className="muted small"> · {t('profile.site.parent', { name: s.tenant.parent.name })}</span>
                  )}
                </div>
                <div className="muted small">
                  {t('profile.site.since', { date: fmt.date(s.since) })}
                </div>
                <Link to={tenantUsersPath(s.tenant.id)} className="small" data-testid="site-users">
                  {t('profile.site.users', { name: s.tenant.name })}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ProductCardView({ card, userLabel, showTenant }: { card: ProductCard; userLabel: string; showTenant: boolean }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const headingId = `card-${card.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <article
      className={`card product-card${card.status === 'SUSPENDED' ? ' product-card-suspended' : ''}`}
      aria-labelledby={headingId}
      data-testid="product-card"
      data-product-id={card.product.id}
      data-status={card.status}
    >
      <header className="product-card-header">
        <h3 id={headingId} data-testid="product-card-title">
          {card.product.name}
        </h3>
        {card.status === 'SUSPENDED' && <AssignmentStatusBadge status="SUSPENDED" />}
      </header>
      {showTenant && (
        <p className="muted small" data-testid="product-card-tenant">
          {t('profile.card.tenant', { name: card.tenant.name })}
        </p>
      )}
      <ul className="role-list">
        {card.assignments.map((a) => (
          <li key={a.id} className="role-item" data-testid="card-role" data-status={a.status}>
            <div className="role-line">
              <span className="role-name" data-testid="card-role-name">
                {a.role.name}
              </span>
              <CategoryBadge category={a.role.category} />
              {card.status !== 'SUSPENDED' && <AssignmentStatusBadge status={a.status} />}
              {a.role.requiresNomination && (
                <span className="hint-icon" title={t('role.requiresNominationHint')} data-testid="role-nomination">
                  <InfoIcon />
                  <span className="visually-hidden">{t('role.requiresNominationHint')}</span>
                </span>
              )}
            </div>
            <div className="muted small">
              {t('profile.card.since', { date: fmt.date(a.createdAt) })}
              {a.role.requiresSite && <> · {t('role.requiresSite')}</>}
              {!a.role.personalDataAccess && <> · {t('role.noPersonalData')}</>}
            </div>
            <AssignmentActions
              assignmentId={a.id}
              status={a.status}
              userLabel={userLabel}
              roleName={a.role.name}
              productName={card.product.name}
            />
          </li>
        ))}
      </ul>
    </article>
  );
}
