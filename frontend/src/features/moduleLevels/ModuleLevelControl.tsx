import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { useI18n } from '../../i18n/context';
import { mutationOutcome, outcomeMessage } from '../../lib/mutationOutcome';
import { SetModuleLevelMutation } from './operations';

interface Props {
  userId: string;
  tenantId: string;
  productName: string;
  /** The level the member holds now (a single-level module has at most one). */
  current: { id: string; name: string } | undefined;
  /** MembershipProduct.assignableLevels: the levels the viewer may change it to. */
  levels: ReadonlyArray<{ id: string; name: string; requiresSite: boolean }>;
  onDone: () => void;
}

/**
 * "Cambia livello" on the card of a single-level module (issue 16.2, seed
 * 003): the current level, and a choice of the levels the API offers, set
 * with setModuleLevel (the old level is replaced in one step). userErrors
 * (ONE_LEVEL_PER_MODULE, SITE_REQUIRED, …) show next to the choice.
 */
export function ModuleLevelControl({ userId, tenantId, productName, current, levels, onDone }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [roleId, setRoleId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [{ fetching }, setLevel] = useMutation(SetModuleLevelMutation);
  const options = levels.filter((l) => l.id !== current?.id);

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (fetching) return;
    setDone(null);
    if (roleId === '') {
      setError(t('level.choose'));
      return;
    }
    setError(null);
    const result = await setLevel({ input: { userId, tenantId, roleId } });
    const outcome = mutationOutcome(t, result, result.data?.setModuleLevel);
    if (!outcome.ok) {
      setError(outcomeMessage(t, outcome));
      return;
    }
    const now = outcome.payload.roleAssignment?.role.name ?? '';
    setDone(t('level.changed', { level: now }));
    setRoleId('');
    onDone();
  };

  return (
    <div className="module-level" data-testid="module-level">
      <p className="small">
        {t('level.current')}{' '}
        <strong data-testid="module-level-current">{current ? current.name : t('level.none')}</strong>
      </p>
      {options.length > 0 && (
        <form className="form form-inline" noValidate onSubmit={(e) => void submit(e)} aria-busy={fetching} data-testid="module-level-form">
          <div className={`field${error ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-level`}>{t('level.change', { product: productName })}</label>
            {error && (
              <p className="field-error" id={`${id}-error`} role="alert" data-testid="module-level-error">
                <span className="visually-hidden">{t('form.errorPrefix')} </span>
                {error}
              </p>
            )}
            <select
              id={`${id}-level`}
              value={roleId}
              onChange={(e) => {
                setRoleId(e.target.value);
                setError(null);
              }}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              data-testid="module-level-select"
            >
              <option value="">{t('level.choosePlaceholder')}</option>
              {options.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.requiresSite ? `${l.name} (${t('role.requiresSite')})` : l.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-secondary button-small" disabled={fetching} data-testid="module-level-submit">
            {fetching ? t('common.working') : t('level.submit')}
          </button>
        </form>
      )}
      <p role="status" className="small" data-testid="module-level-status">
        {done}
      </p>
    </div>
  );
}
