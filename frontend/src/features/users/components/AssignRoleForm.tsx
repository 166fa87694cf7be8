import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { FormError } from '../../../components/FormField';
import { useI18n } from '../../../i18n/context';
import { describeUserError } from '../../../lib/describeUserError';
import { errorCode } from '../../../lib/graphql/errors';
import { AssignRoleMutation } from '../operations';
import { NominationForm, type NominationTarget } from './NominationForm';
import { userErrorsOf } from '../../../lib/userErrors';

export interface AssignableProduct {
  product: { id: string; name: string };
  roles: readonly { id: string; name: string }[];
}

interface Props {
  userId: string;
  tenantId: string;
  /** What may be given: products (assign role) or one product's remaining roles (assign another role). */
  options: readonly AssignableProduct[];
  /** 'assignRole' on the tenant, 'assignAnotherRole' on a product card. */
  kind: 'assignRole' | 'assignAnotherRole';
  onDone: () => void;
}

/**
 * "Assegna ruolo" / "Assegna un altro ruolo" (R9): the products and roles the
 * API says the viewer may give (`assignableProducts`, `assignableRoles`).
 */
export function AssignRoleForm({ userId, tenantId, options, kind, onDone }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [productId, setProductId] = useState(options[0]?.product.id ?? '');
  const [roleId, setRoleId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // NOMINATION_REQUIRED (R20): the role is given through the legal representative's nomination instead.
  const [nomination, setNomination] = useState<NominationTarget | null>(null);
  const [{ fetching }, assign] = useMutation(AssignRoleMutation);
  if (options.length === 0) return null;
  const product = options.find((o) => o.product.id === productId) ?? options[0];
  const roles = product?.roles ?? [];
  const testId = kind === 'assignRole' ? 'assign-role' : 'assign-another-role';

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    // No role is preselected: the most powerful one comes first in the list.
    const chosen = roleId;
    if (!chosen) {
      setProblem(t('assign.roleRequired'));
      return;
    }
    setProblem(null);
    const result = await assign({ input: { userId, tenantId, roleId: chosen } });
    const payload = result.data?.assignRole;
    if (result.error || !payload) {
      setProblem(result.error ? t(`error.${errorCode(result.error)}`) : t('error.UNKNOWN'));
      return;
    }
    const first = userErrorsOf(payload.userErrors)[0];
    if (first?.code === 'NOMINATION_REQUIRED' && product) {
      setNomination({ productId: product.product.id, roleId: chosen, roleName: roles.find((r) => r.id === chosen)?.name ?? '' });
      return;
    }
    if (first) {
      setProblem(describeUserError(t, first));
      return;
    }
    setOpen(false);
    setRoleId('');
    onDone();
  };

  if (nomination) {
    return (
      <NominationForm
        tenantId={tenantId}
        userId={userId}
        {...nomination}
        onClose={() => {
          setNomination(null);
          setOpen(false);
        }}
        onStarted={onDone}
      />
    );
  }

  if (!open) {
    return (
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => setOpen(true)}
        aria-expanded={false}
        data-testid={`${testId}-open`}
      >
        {t(`action.${kind}`)}
      </button>
    );
  }
  return (
    <form className="form form-inline" onSubmit={onSubmit} aria-busy={fetching} data-testid={`${testId}-form`}>
      {kind === 'assignRole' && (
        <div className="field">
          <label htmlFor={`${id}-product`}>{t('assign.product')}</label>
          <select
            id={`${id}-product`}
            value={product?.product.id ?? ''}
            onChange={(e) => {
              setProductId(e.target.value);
              setRoleId('');
            }}
            data-testid={`${testId}-product`}
            autoFocus
          >
            {options.map((o) => (
              <option key={o.product.id} value={o.product.id}>
                {o.product.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-role`}>{t('assign.role')}</label>
        <select
          id={`${id}-role`}
          value={roleId}
          onChange={(e) => setRoleId(e.target.value)}
          data-testid={`${testId}-role`}
          autoFocus={kind === 'assignAnotherRole'}
        >
          <option value="">{t('assign.chooseRole')}</option>
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <FormError message={problem} testId={`${testId}-error`} />
      <div className="form-actions">
        <button type="submit" className="button button-small" disabled={fetching || roles.length === 0} data-testid={`${testId}-submit`}>
          {fetching ? t('common.working') : t('assign.submit')}
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => {
            setOpen(false);
            setProblem(null);
          }}
          disabled={fetching}
        >
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
