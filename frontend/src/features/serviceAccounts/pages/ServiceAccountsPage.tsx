import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { useDateFormat } from '../../../app/useDateFormat';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { CopyButton } from '../../../components/CopyButton';
import { FormError, FormField } from '../../../components/FormField';
import { Progress } from '../../../components/Progress';
import { QueryError } from '../../../components/QueryError';
import { UserStatusBadge } from '../../../components/StatusBadge';
import { TenantPending, TenantScopedPage, useTenantNode } from '../../../components/TenantScopedPage';
import type { ServiceAccountsQuery as ServiceAccountsData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import {
  CreateServiceAccountMutation,
  CreateServiceAccountTokenMutation,
  RevokeServiceAccountTokenMutation,
  RotateServiceAccountTokenMutation,
  ServiceAccountsQuery,
} from '../operations';
import { expiryFromDate, OVERLAP_CHOICES } from '../tokens';

type TenantData = Extract<NonNullable<ServiceAccountsData['node']>, { __typename: 'Tenant' }>;
type Account = TenantData['serviceAccounts']['nodes'][number];
type Token = Account['tokens'][number];

const SA_EVENTS: ReadonlySet<string> = new Set([
  'SERVICE_ACCOUNT_CREATED',
  'SERVICE_ACCOUNT_TOKEN_CREATED',
  'SERVICE_ACCOUNT_TOKEN_REVOKED',
]);

/**
 * `/service-accounts?tenant=…` (R27): a tenant's service accounts; create
 * one, give it tokens (the secret is shown once, with a copy button),
 * rotate a token with an overlap, revoke one. Roles are given on the
 * account's user profile, like a person's.
 */
export function ServiceAccountsPage() {
  const { t } = useI18n();
  return (
    <TenantScopedPage path="/service-accounts" title={t('sa.title')} intro={t('sa.intro')} testId="service-accounts-page" pickerTestId="sa-tenant">
      {(tenantId) => <TenantServiceAccounts tenantId={tenantId} />}
    </TenantScopedPage>
  );
}

function TenantServiceAccounts({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  const { tenant, answered, error, fetching, refetch } = useTenantNode(ServiceAccountsQuery, tenantId, SA_EVENTS);
  // The one-time secret stays on screen until dismissed, across refetches.
  const [secret, setSecret] = useState<{ account: string; name: string; value: string } | null>(null);
  if (error) return <QueryError error={error} onRetry={refetch} testId="sa-error" />;
  if (!tenant) return <TenantPending fetching={fetching} answered={answered} />;
  return (
    <>
      {secret && <SecretReveal {...secret} onDismiss={() => setSecret(null)} />}
      <CreateAccountForm tenantId={tenantId} onDone={refetch} />
      {tenant.serviceAccounts.nodes.length === 0 ? (
        <p className="empty" data-testid="sa-empty">
          {t('sa.empty')}
        </p>
      ) : (
        tenant.serviceAccounts.nodes.map((a) => (
          <AccountCard
            key={a.id}
            account={a}
            onSecret={(name, value) => setSecret({ account: a.username, name, value })}
            onDone={refetch}
          />
        ))
      )}
    </>
  );
}

/** The token's secret, shown this once: copy it now. Focus moves here so that it is not missed. */
function SecretReveal({ account, name, value, onDismiss }: { account: string; name: string; value: string; onDismiss: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [value]);
  return (
    <div ref={ref} tabIndex={-1} className="alert alert-success secret-reveal" role="alert" aria-labelledby="sa-secret-title" data-testid="sa-secret">
      <p className="alert-title" id="sa-secret-title">
        {t('sa.secretTitle', { name, account })}
      </p>
      <p>{t('sa.secretOnce')}</p>
      <p>
        <code className="secret mono" data-testid="sa-secret-value">
          {value}
        </code>
      </p>
      <CopyButton text={value} testId="sa-secret-copy" />{' '}
      <button type="button" className="button button-secondary button-small" onClick={onDismiss} data-testid="sa-secret-dismiss">
        {t('sa.secretDismiss')}
      </button>
    </div>
  );
}

function CreateAccountForm({ tenantId, onDone }: { tenantId: string; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [username, setUsername] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [{ fetching }, create] = useMutation(CreateServiceAccountMutation);
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    setNote('');
    if (username.trim() === '') {
      setErrors({ username: t('form.required') });
      return;
    }
    const result = await create({
      input: { tenantId, username: username.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
    });
    const outcome = mutationOutcome(t, result, result.data?.createServiceAccount, ['username', 'description']);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    setErrors({});
    setUsername('');
    setDescription('');
    setNote(t('sa.created', { username: outcome.payload.serviceAccount?.username ?? '' }));
    onDone();
  };
  return (
    <form className="card form" noValidate onSubmit={onSubmit} aria-busy={fetching} aria-labelledby={`${id}-title`} data-testid="sa-create">
      <h2 id={`${id}-title`}>{t('sa.create')}</h2>
      <FormField
        id="sa-username"
        label={t('setup.field.username')}
        hint={t('sa.usernameHint')}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        autoCapitalize="off"
        spellCheck={false}
        error={errors['username']}
        required
      />
      <FormField
        id="sa-description"
        label={t('sa.description')}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        maxLength={500}
        error={errors['description']}
      />
      <FormError message={formError} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching} data-testid="sa-create-submit">
          {t('sa.createSubmit')}
        </button>
        <Progress busy={fetching} />
        <span role="status" className="small" data-testid="sa-create-status">
          {note}
        </span>
      </div>
    </form>
  );
}

function AccountCard({ account, onSecret, onDone }: { account: Account; onSecret: (name: string, value: string) => void; onDone: () => void }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const headingId = `sa-${account.uid}`;
  return (
    <article className="card" aria-labelledby={headingId} data-testid="service-account" data-username={account.username}>
      <header className="product-card-header">
        <h2 id={headingId} className="mono">
          {account.username}
        </h2>
        <UserStatusBadge status={account.status} />
      </header>
      {account.description && <p>{account.description}</p>}
      <dl className="details">
        <div>
          <dt>{t('profile.uid')}</dt>
          <dd className="mono small" data-testid="sa-uid">
            {account.uid}
          </dd>
        </div>
        <div>
          <dt>{t('profile.createdAt')}</dt>
          <dd>
            <time dateTime={account.createdAt}>{fmt.dateTime(account.createdAt)}</time>
          </dd>
        </div>
      </dl>
      {account.user && (
        <p>
          <Link to={`/users/${encodeURIComponent(account.user.id)}`} data-testid="sa-roles">
            {t('sa.roles')}
          </Link>
        </p>
      )}
      <h3>{t('sa.tokens')}</h3>
      {account.tokens.length === 0 ? (
        <p className="empty">{t('sa.noTokens')}</p>
      ) : (
        <table className="data-table" data-testid="sa-tokens">
          <thead>
            <tr>
              <th scope="col">{t('sa.tokenName')}</th>
              <th scope="col">{t('sa.hint')}</th>
              <th scope="col">{t('sa.status')}</th>
              <th scope="col">{t('sa.expiresAt')}</th>
              <th scope="col">{t('sa.lastUsedAt')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {account.tokens.map((tk) => (
              <TokenRow key={tk.id} token={tk} onSecret={onSecret} onDone={onDone} />
            ))}
          </tbody>
        </table>
      )}
      <NewTokenForm account={account} onSecret={onSecret} onDone={onDone} />
    </article>
  );
}

function TokenRow({ token, onSecret, onDone }: { token: Token; onSecret: (name: string, value: string) => void; onDone: () => void }) {
  const { t } = useI18n();
  const fmt = useDateFormat();
  const [dialog, setDialog] = useState<'rotate' | 'revoke' | null>(null);
  const [overlap, setOverlap] = useState(3600);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching: rotating }, rotate] = useMutation(RotateServiceAccountTokenMutation);
  const [{ fetching: revoking }, revoke] = useMutation(RevokeServiceAccountTokenMutation);
  const overlapId = useId();
  const confirm = async (): Promise<void> => {
    setProblem(null);
    if (dialog === 'rotate') {
      const result = await rotate({ input: { tokenId: token.id, overlapSeconds: overlap } });
      const outcome = mutationOutcome(t, result, result.data?.rotateServiceAccountToken);
      if (!outcome.ok) {
        setProblem(outcomeMessage(t, outcome));
        return;
      }
      if (outcome.payload.secret) onSecret(outcome.payload.token?.name ?? token.name, outcome.payload.secret);
    } else {
      const result = await revoke({ input: { tokenId: token.id } });
      const outcome = mutationOutcome(t, result, result.data?.revokeServiceAccountToken);
      if (!outcome.ok) {
        setProblem(outcomeMessage(t, outcome));
        return;
      }
    }
    setDialog(null);
    onDone();
  };
  return (
    <tr data-testid="sa-token" data-status={token.status} data-name={token.name}>
      <td>{token.name}</td>
      <td className="mono small">{token.hint}…</td>
      <td>
        <span className={`badge ${token.status === 'ACTIVE' ? 'badge-ok' : 'badge-neutral'}`} data-testid="sa-token-status">
          {t(`sa.tokenStatus.${token.status}`)}
        </span>
      </td>
      <td>
        <time dateTime={token.expiresAt}>{fmt.dateTime(token.expiresAt)}</time>
      </td>
      <td>{token.lastUsedAt ? <time dateTime={token.lastUsedAt}>{fmt.dateTime(token.lastUsedAt)}</time> : <span className="muted">{t('sa.neverUsed')}</span>}</td>
      <td>
        {token.status === 'ACTIVE' && (
          <span className="assignment-actions">
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => setDialog('rotate')}
              aria-label={t('sa.rotateLabel', { name: token.name })}
              data-testid="sa-token-rotate"
            >
              {t('sa.rotate')}
            </button>
            <button
              type="button"
              className="button button-danger-outline button-small"
              onClick={() => setDialog('revoke')}
              aria-label={t('sa.revokeLabel', { name: token.name })}
              data-testid="sa-token-revoke"
            >
              {t('sa.revoke')}
            </button>
          </span>
        )}
        {dialog && (
          <ConfirmDialog
            open
            title={dialog === 'rotate' ? t('sa.rotateLabel', { name: token.name }) : t('sa.revokeLabel', { name: token.name })}
            confirmLabel={dialog === 'rotate' ? t('sa.rotate') : t('sa.revoke')}
            danger={dialog === 'revoke'}
            busy={rotating || revoking}
            error={problem}
            onConfirm={() => void confirm()}
            onClose={() => {
              setDialog(null);
              setProblem(null);
            }}
          >
            {dialog === 'rotate' ? (
              <>
                <p>{t('sa.rotateBody')}</p>
                <div className="field">
                  <label htmlFor={overlapId}>{t('sa.overlap')}</label>
                  <select id={overlapId} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} data-testid="sa-rotate-overlap">
                    {OVERLAP_CHOICES.map((s) => (
                      <option key={s} value={s}>
                        {t(`sa.overlap.${s}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </>
            ) : (
              <p>{t('sa.revokeBody', { name: token.name })}</p>
            )}
          </ConfirmDialog>
        )}
      </td>
    </tr>
  );
}

function NewTokenForm({ account, onSecret, onDone }: { account: Account; onSecret: (name: string, value: string) => void; onDone: () => void }) {
  const { t } = useI18n();
  const zone = useDateFormat().timeZone;
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(CreateServiceAccountTokenMutation);
  const key = account.uid;
  if (!open) {
    return (
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)} data-testid="sa-token-new">
        {t('sa.newToken')}
      </button>
    );
  }
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    if (name.trim() === '') {
      setErrors({ name: t('form.required') });
      return;
    }
    const expiresAt = expires ? expiryFromDate(expires, zone) : undefined;
    const result = await create({
      input: { serviceAccountId: account.id, name: name.trim(), ...(expiresAt ? { expiresAt } : {}) },
    });
    const outcome = mutationOutcome(t, result, result.data?.createServiceAccountToken, ['name', 'expiresAt']);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    setErrors({});
    setName('');
    setExpires('');
    setOpen(false);
    if (outcome.payload.secret) onSecret(outcome.payload.token?.name ?? name, outcome.payload.secret);
    onDone();
  };
  return (
    <form className="form form-inline" noValidate onSubmit={onSubmit} aria-busy={fetching} data-testid="sa-token-form">
      <FormField
        id={`sa-token-name-${key}`}
        label={t('sa.tokenName')}
        hint={t('sa.tokenNameHint')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors['name']}
        autoFocus
        required
      />
      <FormField
        id={`sa-token-expires-${key}`}
        type="date"
        label={t('sa.expiresAt')}
        hint={t('sa.expiresHint')}
        value={expires}
        onChange={(e) => setExpires(e.target.value)}
        error={errors['expiresAt']}
      />
      <FormError message={formError} />
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={fetching} data-testid="sa-token-submit">
          {t('sa.newTokenSubmit')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching} />
      </div>
    </form>
  );
}
