import { useId } from 'react';
import { useQuery } from 'urql';
import { TenantOptionsQuery } from '../features/tenants/operations';
import { useI18n } from '../i18n/context';

interface Props {
  value: string;
  onChange: (tenantId: string) => void;
  /** Offer "all organisations" (empty value) as well. */
  allowAll?: boolean;
  allLabel?: string;
  testId?: string;
}

/** A labelled select of the tenants the viewer may see (sites shown under their parent's name). */
export function TenantPicker({ value, onChange, allowAll = false, allLabel, testId = 'tenant-picker' }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [{ data, fetching }] = useQuery({ query: TenantOptionsQuery, variables: {} });
  const tenants = data?.tenants.nodes ?? [];
  const known = tenants.some((tn) => tn.id === value);
  return (
    <div className="field">
      <label htmlFor={id}>{t('common.tenant')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={fetching} data-testid={testId}>
        {allowAll ? <option value="">{allLabel ?? t('common.chooseTenant')}</option> : !value && <option value="">{t('common.chooseTenant')}</option>}
        {value && !known && <option value={value}>{fetching ? t('common.working') : value}</option>}
        {tenants.map((tn) => (
          <option key={tn.id} value={tn.id}>
            {tn.parent ? `${tn.parent.name} › ${tn.name}` : tn.name}
          </option>
        ))}
      </select>
    </div>
  );
}
