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

/** How many received events the subscription's state keeps for the effect below. */
const MAX_LOG = 64;

/** The subscription's state: the newest event and the ones before it, oldest first. */
type Received = ChangeData & { log: ChangeEventLike[] };

/**
 * The events of `log` after `seen` (the last one handled), oldest first:
 * React may render once for several events that arrive together, and each
 * must count (a change of this user followed at once by one of another
 * user would otherwise be missed). When `seen` is no longer in the log (the
 * subscription restarted, or more than the log holds arrived at once),
 * every event in it is new.
 */
export function eventsAfter(log: readonly ChangeEventLike[], seen: ChangeEventLike | undefined): ChangeEventLike[] {
  return log.slice(seen === undefined ? 0 : log.lastIndexOf(seen) + 1);
}

/**
 * Subscribes to `changes` (over the app's graphql-ws connection) while a
 * viewer is signed in, and calls `refetch` once per burst of events of the
 * given types (user-related by default) that `matches` accepts: another
 * administrator's change shows at once.
 */
export function useLiveRefetch(
  /** Called once per burst, with its last matching event and all of them, oldest first. */
  refetch: (last: ChangeEventLike, burst: ChangeEventLike[]) => void,
  matches: (e: ChangeEventLike) => boolean = () => true,
  /** Event types to react to; 'all' for every change (the audit log). */
  types: ReadonlySet<string> | 'all' = USER_CHANGE_TYPES,
): void {
  const viewer = useViewer();
  const latest = useRef({ refetch, matches, types });
  latest.current = { refetch, matches, types };
  const timer = useRef<number | undefined>(undefined);
  const burst = useRef<ChangeEventLike[]>([]);
  const seen = useRef<ChangeEventLike | undefined>(undefined);
  // The handler keeps every event in the state, not only the newest one.
  const [{ data }] = useSubscription<ChangeData, Received>({ query: ChangesSubscription, pause: !viewer }, (prev, next) => ({
    ...next,
    log: [...(prev?.log ?? []), next.changes].slice(-MAX_LOG),
  }));
  const log = data?.log;
  useEffect(() => {
    if (!log || log.length === 0) return;
    const fresh = eventsAfter(log, seen.current);
    seen.current = log.at(-1);
    const { types: wanted, matches: accepts } = latest.current;
    const matching = fresh.filter((e) => (wanted === 'all' || wanted.has(e.type)) && accepts(e));
    if (matching.length === 0) return;
    burst.current.push(...matching);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      const events = burst.current;
      burst.current = [];
      const last = events.at(-1);
      if (last) latest.current.refetch(last, events);
    }, REFETCH_DELAY_MS);
  }, [log]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
}
