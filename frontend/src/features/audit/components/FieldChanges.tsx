import { useCallback } from 'react';
import { Link } from 'react-router';
import { catalogs } from '../../../i18n/catalogs';
import { useI18n } from '../../../i18n/context';
import { translateDynamic } from '../../../i18n/translate';
import { globalIdType } from '../fieldChanges';

/** One changed field as the API gives it (`FieldChange`). */
export interface FieldChangeLike {
  field: string;
  hidden: boolean;
  oldValue?: string | null;
  newValue?: string | null;
}

/** The plain-language name of a changed field, else its code. */
export function useFieldLabel(): (field: string) => string {
  const { t } = useI18n();
  return useCallback((field: string) => translateDynamic(t, catalogs.it, `changes.field.${field}`) ?? field, [t]);
}

/**
 * A changed value: a user or tenant global ID as a link (the profile, the
 * tenant's users), other values as text; withheld personal data says so.
 */
function Value({ value, hidden }: { value?: string | null; hidden: boolean }) {
  const { t } = useI18n();
  if (hidden) return <span className="muted">{t('changes.hidden')}</span>;
  if (value == null || value === '') return <span className="muted">∅</span>;
  const typ = globalIdType(value);
  if (typ === 'User') {
    return (
      <Link to={`/users/${encodeURIComponent(value)}`} data-testid="change-link-user">
        {t('changes.openUser')}
      </Link>
    );
  }
  if (typ === 'Tenant') {
    return (
      <Link to={`/users?tenant=${encodeURIComponent(value)}`} data-testid="change-link-tenant">
        {t('changes.openTenant')}
      </Link>
    );
  }
  return <span>{value}</span>;
}

/** The changed fields of an event or audit record, by name, old → new. */
export function FieldChanges({ changes }: { changes: readonly FieldChangeLike[] }) {
  const label = useFieldLabel();
  return (
    <dl className="audit-diff" data-testid="field-changes">
      {changes.map((c) => (
        <div key={c.field} data-testid="field-change" data-field={c.field}>
          <dt title={c.field}>{label(c.field)}</dt>
          <dd>
            <span className="audit-before">
              <Value value={c.oldValue} hidden={c.hidden} />
            </span>{' '}
            →{' '}
            <span className="audit-after">
              <Value value={c.newValue} hidden={c.hidden} />
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
