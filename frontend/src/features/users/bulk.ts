/**
 * The "Team" view's multi-select (issue 19.2): which users are selected, and
 * what a bulk action's partial success means for the selection and the
 * summary shown in place. Pure functions, so that the rules are unit-tested.
 */

import { getFragmentData, type FragmentType } from '../../gql';
import { BulkUserErrorFieldsFragmentDoc } from '../shared/operations';

export type BulkAction = 'suspend' | 'reactivate' | 'remove';

/** Most users one bulk call accepts (BulkUsersInput.userIds). */
export const MAX_BULK_USERS = 100;

/** One user selected or not. */
export function toggleOne(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** The page's checkbox: checked when every row of the page is selected, mixed when some are. */
export function pageState(selected: ReadonlySet<string>, pageIds: readonly string[]): 'all' | 'some' | 'none' {
  const n = pageIds.filter((id) => selected.has(id)).length;
  if (n === 0) return 'none';
  return n === pageIds.length ? 'all' : 'some';
}

/** "Select all on this page": selects the page's rows, or unselects them when all are selected. */
export function togglePage(selected: ReadonlySet<string>, pageIds: readonly string[]): Set<string> {
  const next = new Set(selected);
  if (pageState(selected, pageIds) === 'all') for (const id of pageIds) next.delete(id);
  else for (const id of pageIds) next.add(id);
  return next;
}

/** The selection kept to the rows still listed (a refetch, a filter or a page change). */
export function keepListed(selected: ReadonlySet<string>, listedIds: readonly string[]): Set<string> {
  const listed = new Set(listedIds);
  return new Set([...selected].filter((id) => listed.has(id)));
}

export interface BulkRefusal {
  /** The user refused, null for the input as a whole. */
  userId: string | null;
  code: string;
  message: string;
}

export interface BulkResult {
  action: BulkAction;
  /** The users the action changed (suspended, reactivated, removed). */
  done: string[];
  /** Of those removed, the accounts deleted (R10). */
  deleted: string[];
  refused: BulkRefusal[];
}

/** A bulk mutation's payload as one result. */
export function bulkResult(
  action: BulkAction,
  payload: {
    succeeded?: readonly { id: string }[];
    removedUserIds?: readonly string[];
    deletedUserIds?: readonly string[];
    userErrors: readonly FragmentType<typeof BulkUserErrorFieldsFragmentDoc>[];
  },
): BulkResult {
  return {
    action,
    done: payload.removedUserIds ? [...payload.removedUserIds] : (payload.succeeded ?? []).map((u) => u.id),
    deleted: [...(payload.deletedUserIds ?? [])],
    refused: getFragmentData(BulkUserErrorFieldsFragmentDoc, payload.userErrors).map((e) => ({ userId: e.userId ?? null, code: e.code, message: e.message })),
  };
}

/** After an action: the users it changed leave the selection; the refused ones stay, to act on again. */
export function afterAction(selected: ReadonlySet<string>, result: BulkResult): Set<string> {
  const done = new Set(result.done);
  return new Set([...selected].filter((id) => !done.has(id)));
}
