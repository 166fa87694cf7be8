import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { FormError, FormField } from '../../../components/FormField';
import { PersonalValue } from '../../../components/PersonalValue';
import { Progress } from '../../../components/Progress';
import { QueryError } from '../../../components/QueryError';
import { TenantPending, TenantScopedPage, useTenantNode } from '../../../components/TenantScopedPage';
import type { TenantGroupsQuery as TenantGroupsData } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../../lib/mutationOutcome';
import { pluralForm } from '../../../lib/plural';
import { displayName } from '../../users/grouping';
import { groupsByProduct } from '../groups';
import {
  AddUserToGroupMutation,
  CreateGroupMutation,
  DeleteGroupMutation,
  GroupCandidatesQuery,
  RemoveUserFromGroupMutation,
  TenantGroupsQuery,
  UpdateGroupMutation,
} from '../operations';

type TenantData = Extract<NonNullable<TenantGroupsData['node']>, { __typename: 'Tenant' }>;
type Group = TenantData['groups'][number];

const GROUP_EVENTS: ReadonlySet<string> = new Set([
  'GROUP_CREATED',
  'GROUP_UPDATED',
  'GROUP_DELETED',
  'GROUP_MEMBER_ADDED',
  'GROUP_MEMBER_REMOVED',
]);

/**
 * `/groups?tenant=…` (R11): a tenant's groups per product; create, rename,
 * deactivate / reactivate and delete them, add and take out members. The
 * products offered are the ones the viewer administers there.
 */
export function GroupsPage() {
  const { t } = useI18n();
  return (
    <TenantScopedPage path="/groups" title={t('groups.title')} intro={t('groups.intro')} testId="groups-page" pickerTestId="groups-tenant">
      {(tenantId) => <TenantGroups tenantId={tenantId} />}
    </TenantScopedPage>
  );
}

function TenantGroups({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  const { tenant, answered, error, fetching, refetch } = useTenantNode(TenantGroupsQuery, tenantId, GROUP_EVENTS);
  if (error) return <QueryError error={error} onRetry={refetch} testId="groups-error" />;
  if (!tenant) return <TenantPending fetching={fetching} answered={answered} />;
  const products = tenant.viewerCan.manageableProducts;
  const sections = groupsByProduct(tenant.groups);
  const manages = (productId: string): boolean => products.some((p) => p.id === productId);
  return (
    <>
      {products.length > 0 && <CreateGroupForm tenantId={tenantId} products={products} onDone={refetch} />}
      {sections.length === 0 ? (
        <p className="empty" data-testid="groups-empty">
          {t('groups.empty')}
        </p>
      ) : (
        sections.map((s) => (
          <section key={s.product.id} className="product-group" aria-labelledby={`groups-${s.product.id}`} data-testid="groups-product">
            <h2 id={`groups-${s.product.id}`}>{s.product.name}</h2>
            <div className="card-grid">
              {s.groups.map((g) => (
                <GroupCard key={g.id} group={g} tenantId={tenantId} canManage={manages(g.product.id)} onDone={refetch} />
              ))}
            </div>
          </section>
        ))
      )}
    </>
  );
}

function CreateGroupForm({ tenantId, products, onDone }: { tenantId: string; products: readonly { id: string; name: string }[]; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [productId, setProductId] = useState(products[0]?.id ?? '');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [{ fetching }, create] = useMutation(CreateGroupMutation);
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setFormError(null);
    setNote('');
    if (name.trim() === '') {
      setErrors({ name: t('form.required') });
      return;
    }
    const result = await create({ input: { tenantId, productId: productId || (products[0]?.id ?? ''), name: name.trim() } });
    const outcome = mutationOutcome(t, result, result.data?.createGroup, ['name']);
    if (!outcome.ok) {
      setErrors(outcome.fieldErrors);
      setFormError(outcome.formError);
      return;
    }
    setErrors({});
    setName('');
    setNote(t('groups.created', { name: outcome.payload.group?.name ?? '' }));
    onDone();
  };
  return (
    <form className="card form form-inline" noValidate onSubmit={onSubmit} aria-busy={fetching} aria-labelledby={`${id}-title`} data-testid="group-create">
      <h2 id={`${id}-title`}>{t('groups.create')}</h2>
      <div className="field">
        <label htmlFor={`${id}-product`}>{t('assign.product')}</label>
        <select id={`${id}-product`} value={productId} onChange={(e) => setProductId(e.target.value)} data-testid="group-create-product">
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <FormField
        id="group-create-name"
        label={t('groups.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={100}
        error={errors['name']}
        required
      />
      <FormError message={formError} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={fetching} data-testid="group-create-submit">
          {t('groups.createSubmit')}
        </button>
        <Progress busy={fetching} />
        <span role="status" className="small" data-testid="group-create-status">
          {note}
        </span>
      </div>
    </form>
  );
}

function GroupCard({ group, tenantId, canManage, onDone }: { group: Group; tenantId: string; canManage: boolean; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(group.name);
  const [nameError, setNameError] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [{ fetching: updating }, update] = useMutation(UpdateGroupMutation);
  const [{ fetching: deleting }, remove] = useMutation(DeleteGroupMutation);
  const [{ fetching: removingMember }, removeMember] = useMutation(RemoveUserFromGroupMutation);

  const save = async (patch: { name?: string; active?: boolean }): Promise<boolean> => {
    setProblem(null);
    const result = await update({ input: { groupId: group.id, expectedVersion: group.version, ...patch } });
    const outcome = mutationOutcome(t, result, result.data?.updateGroup, ['name']);
    if (!outcome.ok) {
      setNameError(outcome.fieldErrors['name']);
      setProblem(outcome.formError);
      return false;
    }
    onDone();
    return true;
  };
  const onRename = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (name.trim() === '') {
      setNameError(t('form.required'));
      return;
    }
    if (await save({ name: name.trim() })) setRenaming(false);
  };
  const onDelete = async (): Promise<void> => {
    setProblem(null);
    const result = await remove({ input: { groupId: group.id, expectedVersion: group.version } });
    const outcome = mutationOutcome(t, result, result.data?.deleteGroup);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setConfirmDelete(false);
    onDone();
  };
  const onRemoveMember = async (userId: string): Promise<void> => {
    setProblem(null);
    const result = await removeMember({ input: { groupId: group.id, userId } });
    const outcome = mutationOutcome(t, result, result.data?.removeUserFromGroup);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    onDone();
  };

  return (
    <article className={`card${group.active ? '' : ' product-card-suspended'}`} data-testid="group" data-name={group.name} data-active={group.active}>
      <header className="product-card-header">
        <h3>{group.name}</h3>
        <span className={`badge ${group.active ? 'badge-ok' : 'badge-neutral'}`}>{group.active ? t('groups.active') : t('groups.inactive')}</span>
      </header>
      <p className="muted small" data-testid="group-member-count">
        {t(`groups.members.${pluralForm(locale, group.members.totalCount)}`, { count: group.members.totalCount })}
      </p>
      {group.members.nodes.length > 0 && (
        <ul className="plain-list">
          {group.members.nodes.map((m) => (
            <li key={m.id} data-testid="group-member">
              <Link to={`/users/${encodeURIComponent(m.id)}`}>{m.username}</Link>{' '}
              <span className="muted small">
                <PersonalValue value={displayName(m)} />
              </span>
              {canManage && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => void onRemoveMember(m.id)}
                    disabled={removingMember}
                    aria-label={t('groups.removeMemberLabel', { user: m.username, group: group.name })}
                    data-testid="group-member-remove"
                  >
                    {t('groups.removeMember')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError message={problem} testId="group-error" />
      {canManage && (
        <>
          {group.active && <AddMemberForm group={group} tenantId={tenantId} onDone={onDone} />}
          {renaming ? (
            <form className="form form-inline" noValidate onSubmit={onRename} aria-busy={updating} data-testid="group-rename-form">
              <FormField
                id={`group-rename-${group.id.replace(/[^A-Za-z0-9]/g, '')}`}
                label={t('groups.newName')}
                value={name}
                onChange={(e) => setName(e.target.value)}
                error={nameError}
                maxLength={100}
                autoFocus
                required
              />
              <div className="form-actions">
                <button type="submit" className="button button-small" disabled={updating} data-testid="group-rename-submit">
                  {t('common.save')}
                </button>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => {
                    setRenaming(false);
                    setName(group.name);
                    setNameError(undefined);
                  }}
                >
                  {t('common.cancel')}
                </button>
                <Progress busy={updating} />
              </div>
            </form>
          ) : (
            <div className="assignment-actions">
              <button type="button" className="button button-secondary button-small" onClick={() => setRenaming(true)} data-testid="group-rename">
                {t('common.rename')}
              </button>
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void save({ active: !group.active })}
                disabled={updating}
                data-testid={group.active ? 'group-deactivate' : 'group-activate'}
              >
                {group.active ? t('groups.deactivate') : t('groups.activate')}
              </button>
              <button type="button" className="button button-danger-outline button-small" onClick={() => setConfirmDelete(true)} data-testid="group-delete">
                {t('common.delete')}
              </button>
            </div>
          )}
        </>
      )}
      {confirmDelete && (
        <ConfirmDialog
          open
          title={t('groups.deleteTitle')}
          confirmLabel={t('common.delete')}
          danger
          busy={deleting}
          error={problem}
          onConfirm={() => void onDelete()}
          onClose={() => setConfirmDelete(false)}
        >
          <p>{t('groups.deleteBody', { name: group.name, count: group.members.totalCount })}</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

function AddMemberForm({ group, tenantId, onDone }: { group: Group; tenantId: string; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ data, fetching: loading }] = useQuery({
    query: GroupCandidatesQuery,
    variables: { tenantId, productId: group.product.id },
    pause: !open,
  });
  const [{ fetching }, add] = useMutation(AddUserToGroupMutation);
  const memberIds = new Set(group.members.nodes.map((m) => m.id));
  const candidates = (data?.users?.nodes ?? []).filter((u) => !memberIds.has(u.id));
  if (!open) {
    return (
      <button type="button" className="button button-secondary button-small" onClick={() => setOpen(true)} data-testid="group-add-member-open">
        {t('groups.addMember')}
      </button>
    );
  }
  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const chosen = userId || candidates[0]?.id;
    if (!chosen || fetching) return;
    setProblem(null);
    const result = await add({ input: { groupId: group.id, userId: chosen } });
    const outcome = mutationOutcome(t, result, result.data?.addUserToGroup);
    if (!outcome.ok) {
      setProblem(outcomeMessage(t, outcome));
      return;
    }
    setOpen(false);
    setUserId('');
    onDone();
  };
  return (
    <form className="form form-inline" onSubmit={onSubmit} aria-busy={fetching} data-testid="group-add-member-form">
      <div className="field">
        <label htmlFor={`${id}-user`}>{t('groups.member')}</label>
        <select id={`${id}-user`} value={userId || candidates[0]?.id || ''} onChange={(e) => setUserId(e.target.value)} aria-busy={loading} data-testid="group-add-member-user" autoFocus>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {displayName(u) ? `${u.username} (${displayName(u)})` : u.username}
            </option>
          ))}
        </select>
        {!loading && candidates.length === 0 && <p className="field-hint">{t('groups.noCandidates')}</p>}
      </div>
      <FormError message={problem} testId="group-add-member-error" />
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={fetching || candidates.length === 0} data-testid="group-add-member-submit">
          {t('groups.addMemberSubmit')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => setOpen(false)} disabled={fetching}>
          {t('common.cancel')}
        </button>
        <Progress busy={fetching || loading} />
      </div>
    </form>
  );
}
