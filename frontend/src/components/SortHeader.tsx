import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context';

/** Which column a table is sorted by, and in which direction. */
export interface SortState<F extends string> {
  field: F;
  desc: boolean;
}

/**
 * A column header that sorts its table by the column (the caller decides
 * what a second click does: the users list and the audit trail both flip the
 * direction). The header carries aria-sort and a hidden "sorted ascending /
 * descending" so screen readers hear the state, not only the arrow.
 */
export function SortHeader<F extends string>({
  field,
  label,
  sort,
  onSort,
  testId,
  className,
  disabledTitle,
}: {
  field: F;
  label: string;
  sort: SortState<F>;
  onSort: (field: F) => void;
  testId: string;
  className?: string;
  /** When set, the column cannot be sorted by and the button says why. */
  disabledTitle?: string;
}): ReactNode {
  const { t } = useI18n();
  const active = sort.field === field;
  const direction = sort.desc ? 'desc' : 'asc';
  return (
    <th scope="col" className={className} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        className="sort-button"
        disabled={disabledTitle !== undefined}
        title={disabledTitle ?? t('team.sortBy', { column: label })}
        onClick={() => onSort(field)}
        data-testid={testId}
        data-active={active ? direction : undefined}
      >
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
        </span>
        {active && <span className="visually-hidden">, {t(sort.desc ? 'team.sorted.desc' : 'team.sorted.asc')}</span>}
      </button>
    </th>
  );
}
