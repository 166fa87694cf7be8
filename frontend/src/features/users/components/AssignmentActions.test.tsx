// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../../../i18n/I18nProvider';
import type { UserAction } from '../actions';
import { AssignmentActions, type PerformAssignmentAction } from './AssignmentActions';

afterEach(cleanup);

const ALL = new Set<UserAction>(['suspend', 'reactivate', 'remove']);

function renderActions(props: { status?: 'ACTIVE' | 'SUSPENDED'; perform?: PerformAssignmentAction; wired?: ReadonlySet<UserAction> }) {
  return render(
    <I18nProvider preferred="it">
      <AssignmentActions
        assignmentId="RA1"
        status={props.status ?? 'ACTIVE'}
        userLabel="Mario Rossi"
        roleName="Operatore API"
        productName="Area Riservata Enti"
        {...(props.perform ? { perform: props.perform } : {})}
        {...(props.wired ? { wired: props.wired } : {})}
      />
    </I18nProvider>,
  );
}

describe('AssignmentActions', () => {
  test('nothing is rendered without a way to perform (the viewer may not manage the role) or a wired action', () => {
    const { container } = renderActions({});
    expect(container.textContent).toBe('');
    renderActions({ perform: vi.fn(), wired: new Set() });
    expect(screen.queryByRole('button')).toBeNull();
  });

  test('suspend, reactivate and remove are wired to the admin API', () => {
    renderActions({ perform: vi.fn() });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Sospendi', 'Rimuovi']);
  });

  test('OK: Sospendi asks for confirmation, then performs and closes', async () => {
    const user = userEvent.setup();
    const perform = vi.fn<PerformAssignmentAction>().mockResolvedValue(null);
    renderActions({ perform, wired: ALL });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Sospendi', 'Rimuovi']);

    await user.click(screen.getByRole('button', { name: 'Sospendi' }));
    const dialog = screen.getByRole('dialog', { name: 'Sospendi ruolo' });
    expect(dialog.textContent).toContain('Vuoi sospendere il ruolo Operatore API di Mario Rossi sul prodotto Area Riservata Enti?');
    expect(perform).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('confirm-dialog-confirm'));
    expect(perform).toHaveBeenCalledWith('suspend', 'RA1');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('a suspended role offers Riabilita', () => {
    renderActions({ status: 'SUSPENDED', perform: vi.fn(), wired: ALL });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Riabilita', 'Rimuovi']);
  });

  test('cancelling performs nothing', async () => {
    const user = userEvent.setup();
    const perform = vi.fn<PerformAssignmentAction>();
    renderActions({ perform, wired: ALL });
    await user.click(screen.getByRole('button', { name: 'Rimuovi' }));
    expect(screen.getByRole('dialog', { name: 'Rimuovi ruolo' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Annulla' }));
    expect(perform).not.toHaveBeenCalled();
  });

  test('a failure stays in the dialog with its message', async () => {
    const user = userEvent.setup();
    const perform = vi.fn<PerformAssignmentAction>().mockResolvedValue('Non hai i permessi necessari per questa operazione.');
    renderActions({ perform, wired: ALL });
    await user.click(screen.getByRole('button', { name: 'Rimuovi' }));
    await user.click(screen.getByTestId('confirm-dialog-confirm'));
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Non hai i permessi necessari per questa operazione.');
  });
});
