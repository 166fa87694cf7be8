import { useEffect, useId, useRef, useState } from 'react';
import type { AssignmentStatus, RoleCategory, UserStatus } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { useDebouncedValue } from '../../../lib/useDebouncedValue';
import {
  ASSIGNMENT_STATUSES,
  hasFilters,
  MAX_SEARCH_LENGTH,
  ROLE_CATEGORIES,
  USER_STATUSES,
  type UsersFilterPatch,
  type UsersListParams,
} from '../listParams';

/** Delay between the last keystroke and the search. */
export const SEARCH_DEBOUNCE_MS = 300;

export interface FilterProduct {
  id: string;
  name: string;
  roles: ReadonlyArray<{ id: string; name: string; category: RoleCategory }>;
}

interface Props {
  params: UsersListParams;
  products: readonly FilterProduct[];
  onChange: (patch: UsersFilterPatch, options?: { replace?: boolean }) => void;
  onReset: () => void;
}

/**
 * Filters of the users list (R21, seed "Utenti"): in "Tutti" by category
 * (Amministratore / Operatore) and by role of any product; in a product's
 * list by that product's roles; by account and role state everywhere; and a
 * debounced search over name, email, username and tax code.
 */
export function UsersFilters({ params, products, onChange, onReset }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState(params.q ?? '');
  const debounced = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);

  // Debounced typing → URL (replacing the entry: no history step per keystroke).
  const latest = useRef({ params, onChange });
  latest.current = { params, onChange };
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== latest.current.params.q) latest.current.onChange({ q }, { replace: true });
  }, [debounced]);

  // URL → input, when the URL changes from elsewhere (back, forward, reset).
  const urlQ = useRef(params.q);
  useEffect(() => {
    if (params.q === urlQ.current) return;
    urlQ.current = params.q;
    setSearch((current) => ((current.trim() || undefined) === params.q ? current : (params.q ?? '')));
  }, [params.q]);

  const product = params.product ? products.find((p) => p.id === params.product) : undefined;
  const roleGroups: Array<{ label: string; roles: FilterProduct['roles'] }> = product
    ? ROLE_CATEGORIES.map((c) => ({
        label: t(`category.${c}`),
        roles: product.roles.filter((r) => r.category === c),
      })).filter((g) => g.roles.length > 0)
    : products
        .filter((p) => !params.category || p.roles.some((r) => r.category === params.category))
        .map((p) => ({
          label: p.name,
          roles: p.roles.filter((r) => !params.category || r.category === params.category),
        }));

  return (
    <form
      className="filters"
      role="search"
      aria-label={t('users.filters.label')}
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ q: search.trim() || undefined }, { replace: true });
      }}
      data-testid="users-filters"
    >
      <div className="filter filter-search">
        <label htmlFor={`${id}-q`}>{t('users.filter.search')}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={search}
          maxLength={MAX_SEARCH_LENGTH}
          aria-describedby={`${id}-q-hint`}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="users-search"
        />
        <span id={`${id}-q-hint`} className="field-hint">
          {t('users.filter.searchHint')}
        </span>
      </div>
      {!params.product && (
        <div className="filter">
          <label htmlFor={`${id}-category`}>{t('users.filter.category')}</label>
          <select
            id={`${id}-category`}
            value={params.category ?? ''}
            onChange={(e) => {
              const category = (e.target.value || undefined) as RoleCategory | undefined;
              // A role of the other category cannot match any more.
              onChange({ category, role: undefined });
            }}
            data-testid="users-filter-category"
          >
            <option value="">{t('users.filter.categoryAll')}</option>
            {ROLE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="filter">
        <label htmlFor={`${id}-role`}>{t('users.filter.role')}</label>
        <select
          id={`${id}-role`}
          value={params.role ?? ''}
          onChange={(e) => onChange({ role: e.target.value || undefined })}
          data-testid="users-filter-role"
        >
          <option value="">{t('users.filter.roleAll')}</option>
          {roleGroups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-status`}>{t('users.filter.status')}</label>
        <select
          id={`${id}-status`}
          value={params.status ?? ''}
          onChange={(e) => onChange({ status: (e.target.value || undefined) as UserStatus | undefined })}
          data-testid="users-filter-status"
        >
          <option value="">{t('users.filter.statusAll')}</option>
          {USER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.user.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-roleStatus`}>{t('users.filter.roleStatus')}</label>
        <select
          id={`${id}-roleStatus`}
          value={params.roleStatus ?? ''}
          onChange={(e) =>
            onChange({ roleStatus: (e.target.value || undefined) as AssignmentStatus | undefined })
          }
          data-testid="users-filter-role-status"
        >
          <option value="">{t('users.filter.roleStatusAll')}</option>
          {ASSIGNMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.assignment.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {hasFilters(params) && (
        <div className="filter filter-reset">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setSearch('');
              onReset();
            }}
            data-testid="users-filter-reset"
          >
            {t('users.filter.reset')}
          </button>
        </div>
      )}
    </form>
  );
}
