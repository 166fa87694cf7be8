import { useEffect, useId, useState } from 'react';
import { useQuery } from 'urql';
import { TenantOptionsQuery } from '../features/tenants/operations';
import { useI18n } from '../i18n/context';
import { errorCode } from '../lib/graphql/errors';
import { useDebouncedValue } from '../lib/useDebouncedValue';

interface Props {
  value: string;
  onChange: (tenantId: string) => void;
  /** Offer "all organisations" (empty value) as well. */
  allowAll?: boolean;
  allLabel?: string;
  testId?: string;
}

/**
 * A labelled select of the tenants the viewer may see (sites shown under
 * their parent's name). A page holds at most 100: beyond that a search
 * field narrows the list by name.
 */
export function TenantPicker({ value, onChange, allowAll = false, allLabel, testId = 'tenant-picker' }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const debounced = useDebouncedValue(search.trim(), 300);
  const [{ data, fetching, error }] = useQuery({
    query: TenantOptionsQuery,
    variables: debounced ? { search: debounced } : {},
  });
  const tenants = data?.tenants?.nodes ?? [];
  const known = tenants.some((tn) => tn.id === value);
  const many = (data?.tenants?.totalCount ?? 0) > tenants.length || debounced !== '';
  // A viewer with a single tenant has nothing to choose: it is taken, and named instead of a picker.
  const only = !allowAll && debounced === '' && data?.tenants?.totalCount === 1 ? tenants[0] : undefined;
  useEffect(() => {
    if (only && value !== only.id) onChange(only.id);
  }, [only, value, onChange]);
  if (only) {
    return (
      <div className="field">
        <span className="field-label">{t('common.tenant')}</span>
        <p className="field-static" data-testid={`${testId}-only`} data-tenant-id={only.id}>
          {only.parent ? `${only.parent.name} › ${only.name}` : only.name}
        </p>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{t('common.tenant')}</label>
      {many && (
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={t('tenants.searchPlaceholder')}
          aria-label={t('tenants.searchLabel')}
          data-testid={`${testId}-search`}
        />
      )}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={fetching} data-testid={testId}>
        {allowAll ? <option value="">{allLabel ?? t('common.chooseTenant')}</option> : !value && <option value="">{t('common.chooseTenant')}</option>}
        {value && !known && <option value={value}>{fetching ? t('common.working') : value}</option>}
        {tenants.map((tn) => (
          <option key={tn.id} value={tn.id}>
            {tn.parent ? `${tn.parent.name} › ${tn.name}` : tn.name}
          </option>
        ))}
      </select>
      {error && (
        <p className="field-error" role="alert" data-testid={`${testId}-error`}>
          {t(`error.${errorCode(error)}`)}
        </p>
      )}
    </div>
  );
}
