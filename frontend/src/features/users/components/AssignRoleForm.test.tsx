// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Client } from 'urql';
import { Provider } from 'urql';
import { fromValue } from 'wonka';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../../../i18n/I18nProvider';
import { AssignRoleForm } from './AssignRoleForm';

afterEach(cleanup);

const OPTIONS = [
  { product: { id: 'P1', name: 'COB' }, roles: [{ id: 'R1', name: 'Operatore' }] },
  { product: { id: 'P2', name: 'Area Riservata Enti' }, roles: [{ id: 'R2', name: 'Operatore API' }, { id: 'R3', name: 'Gestore Notifiche' }] },
];

function setup(answer: unknown) {
  const executeMutation = vi.fn(() => fromValue({ data: answer }));
  const client = { executeMutation } as unknown as Client;
  const onDone = vi.fn();
  render(
    <Provider value={client}>
      <I18nProvider preferred="it">
        <AssignRoleForm kind="assignRole" userId="U1" tenantId="T1" options={OPTIONS} onDone={onDone} />
      </I18nProvider>
    </Provider>,
  );
  return { executeMutation, onDone };
}

describe('AssignRoleForm', () => {
  test('gives the chosen role of the chosen product, then reports done', async () => {
    const user = userEvent.setup();
    const { executeMutation, onDone } = setup({ assignRole: { roleAssignment: { id: 'RA', status: 'ACTIVE' }, userErrors: [] } });
    await user.click(screen.getByRole('button', { name: 'Assegna ruolo' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Prodotto'));
    await user.selectOptions(screen.getByLabelText('Prodotto'), 'P2');
    await user.selectOptions(screen.getByLabelText('Ruolo'), 'R3');
    await user.click(screen.getByRole('button', { name: 'Assegna' }));
    const [operation] = executeMutation.mock.calls[0] as unknown as [{ variables: unknown }];
    expect(operation.variables).toEqual({ input: { userId: 'U1', tenantId: 'T1', roleId: 'R3' } });
    expect(onDone).toHaveBeenCalledOnce();
  });

  test('a userError is shown next to the form, which stays open', async () => {
    const user = userEvent.setup();
    const { onDone } = setup({
      assignRole: { roleAssignment: null, userErrors: [{ field: ['input', 'roleId'], code: 'CATEGORY_CONFLICT', message: 'x' }] },
    });
    await user.click(screen.getByRole('button', { name: 'Assegna ruolo' }));
    await user.selectOptions(screen.getByLabelText('Ruolo'), 'R1');
    await user.click(screen.getByRole('button', { name: 'Assegna' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'Non si possono avere ruoli di amministratore e di operatore sullo stesso prodotto.',
    );
    expect(onDone).not.toHaveBeenCalled();
  });

  test('no role is preselected: submitting without one asks for it and gives nothing', async () => {
    const user = userEvent.setup();
    const { executeMutation, onDone } = setup({ assignRole: { roleAssignment: { id: 'RA', status: 'ACTIVE' }, userErrors: [] } });
    await user.click(screen.getByRole('button', { name: 'Assegna ruolo' }));
    const role = screen.getByLabelText('Ruolo') as HTMLSelectElement;
    expect(role.value).toBe('');
    expect(role.selectedOptions[0]?.textContent).toBe('Scegli un ruolo');
    await user.click(screen.getByRole('button', { name: 'Assegna' }));
    expect(screen.getByRole('alert').textContent).toBe('Scegli il ruolo da assegnare.');
    expect(executeMutation).not.toHaveBeenCalled();
    expect(onDone).not.toHaveBeenCalled();
  });
});
