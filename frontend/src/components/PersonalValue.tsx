import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context';
import { LockIcon } from './Icons';

/**
 * A personal-data value (name, email, tax code…), or a dash with a lock when
 * the API withheld it because the viewer's role gives no access to personal
 * data (R12). The lock has a text alternative for screen readers and a
 * tooltip for the mouse.
 */
export function PersonalValue({ value, children }: { value: string | null | undefined; children?: ReactNode }) {
  const { t } = useI18n();
  if (value !== null && value !== undefined && value !== '') return <>{children ?? value}</>;
  const label = t('common.personalDataHidden');
  return (
    <span className="personal-hidden" data-testid="personal-hidden" title={label}>
      <span aria-hidden="true">—</span>
      <LockIcon />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

/** A value that is simply missing (not withheld): a dash with a text alternative. */
export function EmptyValue() {
  const { t } = useI18n();
  return (
    <span className="muted">
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{t('common.notSet')}</span>
    </span>
  );
}
