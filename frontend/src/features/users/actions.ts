import type { AssignmentStatus } from '../../gql/graphql';

/**
 * The actions of the user profile (seed "Utenti", R9–R11, R3/R7) and the
 * admin API mutation each one needs (issue 4). An action is offered only
 * once its mutation is in the schema and wired here: the UI never shows a
 * button that cannot work, and never fakes a call.
 *
 * To wire an action when its mutation lands: write the mutation in
 * operations.ts, run codegen, implement it in a `useUserActions` hook that
 * performs it, and add the action to WIRED_ACTIONS. The unit test fails if
 * an action is wired while its mutation is missing from graph/schema.
 */

/** Actions on one role assignment, each confirmed in a dialog (R10). */
export type AssignmentAction = 'suspend' | 'reactivate' | 'remove';

/** Actions on the user or on a product card. */
export type UserAction =
  | AssignmentAction
  /** A role on a product the user has none on (R9). */
  | 'assignRole'
  /** Another role of the same category on a product the user already has (R9). */
  | 'assignAnotherRole'
  /** Add to an active group of the product the user is not in (R11). */
  | 'assignGroup'
  /** Names by the home tenant's admins unless verified (R3/R7). */
  | 'editIdentity'
  /** Attach to another site / detach (R8). */
  | 'attachSite'
  | 'detachSite';

/** The mutation each action needs, as the admin API (issue 4) is expected to name it. */
export const ACTION_MUTATIONS: Readonly<Record<UserAction, string>> = {
  suspend: 'suspendRoleAssignment',
  reactivate: 'reactivateRoleAssignment',
  remove: 'removeRoleAssignment',
  assignRole: 'assignRole',
  assignAnotherRole: 'assignRole',
  assignGroup: 'addUserToGroup',
  editIdentity: 'updateUserProfile',
  attachSite: 'attachUserToTenant',
  detachSite: 'detachUserFromTenant',
};

/** Actions whose mutation exists and is wired in the profile. */
export const WIRED_ACTIONS: ReadonlySet<UserAction> = new Set<UserAction>([
  'suspend',
  'reactivate',
  'remove',
  'assignRole',
  'assignAnotherRole',
  'assignGroup',
  'editIdentity',
  'attachSite',
  'detachSite',
]);

/**
 * The confirmed actions offered on one role assignment: suspend or
 * reactivate by its state, and remove; only those in `wired`.
 */
export function assignmentActions(
  status: AssignmentStatus,
  wired: ReadonlySet<UserAction> = WIRED_ACTIONS,
): AssignmentAction[] {
  const candidates: AssignmentAction[] = status === 'SUSPENDED' ? ['reactivate', 'remove'] : ['suspend', 'remove'];
  return candidates.filter((a) => wired.has(a));
}

/** Whether an action is offered at all. */
export function isWired(action: UserAction, wired: ReadonlySet<UserAction> = WIRED_ACTIONS): boolean {
  return wired.has(action);
}

/** Message keys of each confirmation dialog: the words of the seed (Sospendi / Riabilita / Rimuovi). */
export const CONFIRMATIONS = {
  suspend: { title: 'confirm.suspend.title', body: 'confirm.suspend.body', confirm: 'action.suspend', danger: false },
  reactivate: {
    title: 'confirm.reactivate.title',
    body: 'confirm.reactivate.body',
    confirm: 'action.reactivate',
    danger: false,
  },
  remove: { title: 'confirm.remove.title', body: 'confirm.remove.body', confirm: 'action.remove', danger: true },
} as const satisfies Record<AssignmentAction, { title: string; body: string; confirm: string; danger: boolean }>;
