import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';
import { useViewer } from '../../app/viewer';
import type { ChangesSubscription as ChangeData } from '../../gql/graphql';
import { ChangesSubscription } from './operations';

export type ChangeEventLike = ChangeData['changes'];

/** Event types about users, memberships and roles: the ones the users list and profile show. */
export const USER_CHANGE_TYPES: ReadonlySet<string> = new Set([
  'USER_CREATED',
  'USER_UPDATED',
  'USER_SUSPENDED',
  'USER_REACTIVATED',
  'USER_LOCKED',
  'USER_UNLOCKED',
  'USER_DELETED',
  'MEMBERSHIP_CREATED',
  'MEMBERSHIP_DELETED',
  'ROLE_ASSIGNMENT_CREATED',
  'ROLE_ASSIGNMENT_SUSPENDED',
  'ROLE_ASSIGNMENT_REACTIVATED',
  'ROLE_ASSIGNMENT_DELETED',
  'ROLE_ASSIGNMENT_LEVEL_CHANGED',
  'GROUP_MEMBER_ADDED',
  'GROUP_MEMBER_REMOVED',
]);

/** Whether an event concerns what the users list and profiles show. */
export function isUserChange(e: Pick<ChangeEventLike, 'type'>): boolean {
  return USER_CHANGE_TYPES.has(e.type);
}

/** How long to gather a burst of events into one refetch. */
const REFETCH_DELAY_MS = 250;

/**
 * Subscribes to `changes` (over the app's graphql-ws connection) while a
 * viewer is signed in, and calls `refetch` once per burst of events of the
 * given types (user-related by default) that `matches` accepts: another
 * administrator's change shows at once.
 */
export function useLiveRefetch(
  /** Called once per burst, with the burst's last matching event. */
  refetch: (last: ChangeEventLike) => void,
  matches: (e: ChangeEventLike) => boolean = () => true,
  /** Event types to react to; 'all' for every change (the audit log). */
  types: ReadonlySet<string> | 'all' = USER_CHANGE_TYPES,
): void {
  const viewer = useViewer();
  const latest = useRef({ refetch, matches, types });
  latest.current = { refetch, matches, types };
  const timer = useRef<number | undefined>(undefined);
  const [{ data }] = useSubscription({ query: ChangesSubscription, pause: !viewer });
  const event = data?.changes;
  useEffect(() => {
    if (!event) return;
    const { types: wanted } = latest.current;
    if (wanted !== 'all' && !wanted.has(event.type)) return;
    if (!latest.current.matches(event)) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => latest.current.refetch(event), REFETCH_DELAY_MS);
  }, [event]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
}
