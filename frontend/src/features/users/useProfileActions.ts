import { useCallback } from 'react';
import { useMutation } from 'urql';
import { useI18n } from '../../i18n/context';
import { describeUserError } from '../../lib/describeUserError';
import { errorCode } from '../../lib/graphql/errors';
import type { AssignmentAction } from './actions';
import type { PerformAssignmentAction } from './components/AssignmentActions';
import {
  ReactivateRoleAssignmentMutation,
  RemoveRoleAssignmentMutation,
  SuspendRoleAssignmentMutation,
} from './operations';

/** Runs suspend / reactivate / remove on a role assignment (R10), then `onDone` (a refetch). */
export function usePerformAssignmentAction(onDone: () => void): PerformAssignmentAction {
  const { t } = useI18n();
  const [, suspend] = useMutation(SuspendRoleAssignmentMutation);
  const [, reactivate] = useMutation(ReactivateRoleAssignmentMutation);
  const [, remove] = useMutation(RemoveRoleAssignmentMutation);
  return useCallback(
    async (action: AssignmentAction, roleAssignmentId: string): Promise<string | null> => {
      const input = { input: { roleAssignmentId } };
      const result =
        action === 'suspend' ? await suspend(input) : action === 'reactivate' ? await reactivate(input) : await remove(input);
      if (result.error) return t(`error.${errorCode(result.error)}`);
      const data = result.data as
        | Record<string, { userErrors: readonly { field: readonly string[]; code: string; message: string }[] } | undefined>
        | undefined;
      const payload = data ? Object.values(data)[0] : undefined;
      if (!payload) return t('error.UNKNOWN');
      const first = payload.userErrors[0];
      if (first) return describeUserError(t, first);
      onDone();
      return null;
    },
    [suspend, reactivate, remove, t, onDone],
  );
}
