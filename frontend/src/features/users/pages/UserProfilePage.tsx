import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
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
import { UserHistory } from '../../audit/components/UserHistory';
import { ModuleLevelControl } from '../../moduleLevels/ModuleLevelControl';
import { AssignmentActions } from '../components/AssignmentActions';
import { AssignRoleForm } from '../components/AssignRoleForm';
import { RemoveFromTenant } from '../components/RemoveFromTenant';
import { UserNominations } from '../components/UserNominations';
import {
  AttachSiteForm,
  AuditLink,
  CardGroups,
  CredentialActions,
  DetachSiteButton,
  FailedLoginsSection,
  IdentityEditForm,
} from '../components/ProfileExtras';
import { usePerformAssignmentAction } from '../useProfileActions';
import { useLiveRefetch, type ChangeEventLike } from '../useLiveRefetch';
import { useFieldLabel } from '../../audit/components/FieldChanges';
import { displayName } from '../grouping';
import { ReactivateUserMutation, SuspendUserMutation, UserProfileQuery } from '../operations';
import { describeUserBurst, productCards, sites, type ProductCard } from '../profile';
import { userErrorsOf } from '../../../lib/userErrors';

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
  // Landing here right after adding the user (seed 001): what the wizard did.
  const added = (location.state as { added?: string } | null)?.added;
  const [{ data, error, fetching }, reexecute] = useQuery({ query: UserProfileQuery, variables: { id } });
  const user = data?.node?.__typename === 'User' ? (data.node as ProfileUser) : undefined;
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  // Another administrator's change to this user shows here live (R28).
  const [liveNote, setLiveNote] = useState('');
  const fieldLabel = useFieldLabel();
  const onLiveChange = useCallback(
    (_last: ChangeEventLike, burst: ChangeEventLike[]) => {
      // Since events carry global IDs (issue 15.4) this user's own deletion
      // matches too: say so, and keep the page as it is rather than
      // reloading it into "not found" under the deletion's result.
      if (burst.some((e) => e.type === 'USER_DELETED' && e.subjectId === id)) {
        setLiveNote(t('live.profileDeleted', { time: new Date().toLocaleTimeString() }));
        return;
      }
      refetch();
      let note = t('live.profileUpdated', { time: new Date().toLocaleTimeString() });
      // What changed, in words, from the typed details of every event of the burst.
      const changed = describeUserBurst(burst, id);
      if (changed) {
        const name = changed.name ?? t('changes.live.someone');
        note += ' ' + t('changes.live.userUpdated', { name, fields: changed.fields.map(fieldLabel).join(', ') });
      }
      setLiveNote(note);
    },
    [refetch, t, id, fieldLabel],
  );
  useLiveRefetch(onLiveChange, (e) => e.subjectId === id || e.subjectType !== 'User');
  const title = user ? (displayName(user) ?? user.username) : t('profile.title');
  useDocumentTitle(title);

  // The user this page showed, kept when a reload finds the account gone
  // (deleted here or by another administrator): the page stays as it was,
  // with what was done still on it, instead of turning into "not found".
  const shown = useRef<ProfileUser | undefined>(undefined);
  if (user) shown.current = user;
  const gone = !user && !error && data?.node === null && shown.current?.id === id ? shown.current : undefined;

  const profileUser = user ?? gone;

  let body;
  if (profileUser) {
    body = <Profile user={profileUser} refetch={refetch} />;
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
      {added && (
        <div className="alert alert-success" role="status" data-testid="add-user-success">
          <p>{added}</p>
        </div>
      )}
      <p role="status" className="visually-hidden" data-testid="profile-live-status">
        {liveNote}
      </p>
      {body}
    </section>
  );
}

function Profile({ user, refetch }: { user: ProfileUser; refetch: () => void }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const cards = useMemo(() => productCards(user.memberships), [user.memberships]);
  const siteList = useMemo(() => sites(user.memberships, user.homeTenant?.id), [user.memberships, user.homeTenant]);
  const restricted = user.givenName === null && user.familyName === null;
  const userLabel = displayName(user) ?? user.username;
  const language = matchLocale(user.language);
  const perform = usePerformAssignmentAction(refetch);
  // "Modifica" in the users list's row menu opens the edit form directly.
  const editAsked = (useLocation().state as { edit?: boolean } | null)?.edit === true;
  const [editing, setEditing] = useState(() => editAsked && (user.viewerCan.editIdentity || user.viewerCan.editPreferences));
  const navigate = useNavigate();

  return (
    <>
      <div className="profile-status">
        <UserStatusBadge status={user.status} />
        {user.kind === 'SERVICE' && <span className="badge badge-neutral">{t('users.serviceAccount')}</span>}
        {user.viewerCan?.changeStatus && (user.status === 'SUSPENDED' || user.status === 'ACTIVE' || user.status === 'INVITED') && (
          <UserStatusAction user={user} userLabel={userLabel} onDone={refetch} />
        )}
        <CredentialActions user={user} userLabel={userLabel} onDone={refetch} />
        <AuditLink userId={user.id} />
      </div>
      {restricted && (
        <p className="notice notice-small" data-testid="profile-restricted">
          {t('profile.restricted')}
        </p>
      )}

      <section className="card" aria-labelledby="identity-heading" data-testid="identity-card">
        <h2 id="identity-heading">{t('profile.identity')}</h2>
        {(user.viewerCan.editIdentity || user.viewerCan.editPreferences) && !editing && (
          <p>
            <button type="button" className="button button-secondary button-small" onClick={() => setEditing(true)} data-testid="identity-edit">
              {t('identity.edit')}
            </button>
          </p>
        )}
        {editing && (
          <IdentityEditForm
            user={user}
            personalVisible={!restricted}
            onCancel={() => setEditing(false)}
            onDone={() => {
              setEditing(false);
              refetch();
            }}
          />
        )}
        {/* The edit form takes the read-only grid's place. */}
        {!editing && (
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
            {!restricted && (
              <>
                <div>
                  <dt>{t('extras.gender')}</dt>
                  <dd data-testid="identity-gender">{user.gender ? t(`extras.gender.${user.gender}`) : <EmptyValue />}</dd>
                </div>
                <div>
                  <dt>{t('extras.birthDate')}</dt>
                  <dd data-testid="identity-birthDate">{user.birthDate ? fmt.date(user.birthDate) : <EmptyValue />}</dd>
                </div>
              </>
            )}
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
              <dd data-testid="identity-timeZone-value">{user.timeZone}</dd>
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
        )}
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
              <ProductCardView
                key={card.key}
                card={card}
                user={user}
                userLabel={userLabel}
                showTenant={siteList.length > 1}
                perform={perform}
                refetch={refetch}
              />
            ))}
          </div>
        )}
        {user.memberships.map((m) =>
          (m.assignableProducts ?? []).length > 0 ? (
            <div key={m.id} className="assign-role" data-testid="assign-role" data-tenant-id={m.tenant.id}>
              {user.memberships.length > 1 && <p className="muted small">{t('profile.card.tenant', { name: m.tenant.name })}</p>}
              <AssignRoleForm
                kind="assignRole"
                userId={user.id}
                tenantId={m.tenant.id}
                options={(m.assignableProducts ?? []).map((p) => ({ product: p, roles: p.roles }))}
                onDone={refetch}
              />
            </div>
          ) : null,
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
                {user.memberships.find((m) => m.id === s.membershipId)?.viewerCanDetach && (
                  <DetachSiteButton
                    membershipId={s.membershipId}
                    tenantName={s.tenant.name}
                    last={user.memberships.length === 1}
                    userLabel={userLabel}
                    onDone={refetch}
                    onDeleted={() => void navigate('/users')}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        {user.kind === 'HUMAN' && <AttachSiteForm userId={user.id} onDone={refetch} />}
      </section>

      {user.memberships.map((m) => (
        <UserNominations key={m.id} tenantId={m.tenant.id} tenantName={m.tenant.name} userId={user.id} />
      ))}

      <FailedLoginsSection userId={user.id} />

      <RemoveFromTenant
        userId={user.id}
        userLabel={userLabel}
        tenants={user.memberships.filter((m) => m.viewerCanDetach).map((m) => m.tenant)}
        visibleMemberships={user.memberships.length}
        onDone={refetch}
      />

      <UserHistory userId={user.id} watch={user} />
    </>
  );
}

interface CardProps {
  card: ProductCard;
  user: ProfileUser;
  userLabel: string;
  showTenant: boolean;
  perform: ReturnType<typeof usePerformAssignmentAction>;
  refetch: () => void;
}

function ProductCardView({ card, user, userLabel, showTenant, perform, refetch }: CardProps) {
  const { t } = useI18n();
  const membership = user.memberships.find((m) => m.id === card.membershipId);
  const apiCard = membership?.products?.find((p) => p.product.id === card.product.id);
  const assignable = apiCard?.assignableRoles ?? [];
  const singleLevel = membership?.roleAssignments.some((a) => a.product.id === card.product.id && a.product.singleLevel) ?? false;
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
              {...(a.viewerCanManage ? { perform } : {})}
            />
          </li>
        ))}
      </ul>
      {singleLevel && (
        <ModuleLevelControl
          userId={user.id}
          tenantId={card.tenant.id}
          productName={card.product.name}
          current={card.assignments[0]?.role}
          levels={apiCard?.assignableLevels ?? []}
          onDone={refetch}
        />
      )}
      <CardGroups
        userId={user.id}
        groups={apiCard?.groups ?? []}
        assignable={apiCard?.assignableGroups ?? []}
        canManage={apiCard?.viewerCanManage ?? false}
        onDone={refetch}
      />
      {assignable.length > 0 && (
        <AssignRoleForm
          kind="assignAnotherRole"
          userId={user.id}
          tenantId={card.tenant.id}
          options={[{ product: card.product, roles: assignable }]}
          onDone={refetch}
        />
      )}
    </article>
  );
}

/** Sospendi / Riabilita utenza (R5), behind a confirmation. */
function UserStatusAction({ user, userLabel, onDone }: { user: ProfileUser; userLabel: string; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching: suspending }, suspend] = useMutation(SuspendUserMutation);
  const [{ fetching: reactivating }, reactivate] = useMutation(ReactivateUserMutation);
  const busy = suspending || reactivating;
  const suspended = user.status === 'SUSPENDED';
  const confirm = async (): Promise<void> => {
    setProblem(null);
    const input = { input: { userId: user.id, expectedVersion: user.version } };
    const result = suspended ? await reactivate(input) : await suspend(input);
    if (result.error) {
      setProblem(t(`error.${errorCode(result.error)}`));
      return;
    }
    const payload = result.data && ('suspendUser' in result.data ? result.data.suspendUser : result.data.reactivateUser);
    const first = payload ? userErrorsOf(payload.userErrors)[0] : undefined;
    if (!payload || first) {
      setProblem(first ? describeUserError(t, first) : t('error.UNKNOWN'));
      return;
    }
    setOpen(false);
    onDone();
  };
  return (
    <>
      <button
        type="button"
        className={`button button-small ${suspended ? 'button-secondary' : 'button-danger-outline'}`}
        onClick={() => setOpen(true)}
        data-testid={suspended ? 'user-reactivate' : 'user-suspend'}
      >
        {suspended ? t('action.reactivateUser') : t('action.suspendUser')}
      </button>
      {open && (
        <ConfirmDialog
          open
          title={suspended ? t('confirm.reactivateUser.title') : t('confirm.suspendUser.title')}
          confirmLabel={suspended ? t('action.reactivateUser') : t('action.suspendUser')}
          danger={!suspended}
          busy={busy}
          error={problem}
          onConfirm={() => void confirm()}
          onClose={() => {
            setOpen(false);
            setProblem(null);
          }}
        >
          <p>{suspended ? t('confirm.reactivateUser.body', { user: userLabel }) : t('confirm.suspendUser.body', { user: userLabel })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
