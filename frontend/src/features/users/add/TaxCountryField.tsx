import { useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { useI18n } from '../../../i18n/context';
import { TenantCountryQuery } from '../../tenantSecurity/operations';
import { TAX_COUNTRIES, taxCountryName } from './taxCountry';

interface Props {
  id: string;
  /** The tenant the person joins: its country is the default. */
  tenantId: string;
  value: string;
  onChange: (country: string) => void;
  error?: string | undefined;
  disabled?: boolean;
}

/**
 * The country of the tax code (issue 16.8): a French administrator adds a
 * French employee with a NIR, an Italian one with a codice fiscale. Starts at
 * the tenant's country (Italy when it is not one offered) until the
 * administrator picks another; sent as taxCountry.
 */
export function TaxCountryField({ id, tenantId, value, onChange, error, disabled }: Props) {
  const { t, locale } = useI18n();
  const [{ data }] = useQuery({ query: TenantCountryQuery, variables: { id: tenantId }, pause: tenantId === '' });
  const country = data?.node?.__typename === 'Tenant' && data.node.id === tenantId ? data.node.country.toUpperCase() : '';
  // The default follows the tenant until the administrator chooses.
  const chosen = useRef(false);
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (!chosen.current && country) latest.current((TAX_COUNTRIES as readonly string[]).includes(country) ? country : 'IT');
  }, [country]);
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-testid={`field-${id}`}>
      <label htmlFor={id}>{t('taxCountry.label')}</label>
      {error && (
        <p className="field-error" id={errorId} data-testid={`field-${id}-error`}>
          <span className="visually-hidden">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
      <select
        id={id}
        value={value}
        onChange={(e) => {
          chosen.current = true;
          onChange(e.target.value);
        }}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={errorId}
        data-testid="add-user-tax-country"
      >
        {TAX_COUNTRIES.map((c) => (
          <option key={c} value={c}>
            {taxCountryName(c, locale)}
          </option>
        ))}
      </select>
    </div>
  );
}
