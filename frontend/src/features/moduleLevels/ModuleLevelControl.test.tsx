// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Client } from 'urql';
import { Provider } from 'urql';
import { fromValue } from 'wonka';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../../i18n/I18nProvider';
import { ModuleLevelControl } from './ModuleLevelControl';

afterEach(cleanup);

const LEVELS = [
  { id: 'L1', name: 'ADMIN', requiresSite: false },
  { id: 'L2', name: 'USER', requiresSite: true },
  { id: 'L3', name: 'GUEST', requiresSite: true },
];

function setup(answer: unknown) {
  const executeMutation = vi.fn(() => fromValue({ data: answer }));
  const client = { executeMutation } as unknown as Client;
  const onDone = vi.fn();
  render(
    <Provider value={client}>
      <I18nProvider preferred="it">
        <ModuleLevelControl userId="U1" tenantId="T1" productName="Clienti" current={{ id: 'L2', name: 'USER' }} levels={LEVELS} onDone={onDone} />
      </I18nProvider>
    </Provider>,
  );
  return { executeMutation, onDone };
}

describe('ModuleLevelControl', () => {
  test('shows the level held and offers the others; sets the chosen one', async () => {
    const user = userEvent.setup();
    const { executeMutation, onDone } = setup({
      setModuleLevel: { roleAssignment: { id: 'RA', status: 'ACTIVE', role: { id: 'L3', name: 'GUEST' } }, previousRole: { id: 'L2', name: 'USER' }, userErrors: [] },
    });
    expect(screen.getByTestId('module-level-current').textContent).toBe('USER');
    const select = screen.getByLabelText('Cambia livello su Clienti');
    expect([...select.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'Scegli il nuovo livello…',
      'ADMIN',
      'GUEST (Richiede una sede)',
    ]);
    await user.selectOptions(select, 'L3');
    await user.click(screen.getByRole('button', { name: 'Cambia livello' }));
    const [operation] = executeMutation.mock.calls[0] as unknown as [{ variables: unknown }];
    expect(operation.variables).toEqual({ input: { userId: 'U1', tenantId: 'T1', roleId: 'L3' } });
    expect(screen.getByRole('status').textContent).toBe('Livello cambiato: ora GUEST.');
    expect(onDone).toHaveBeenCalledOnce();
  });

  test('a userError is shown next to the choice', async () => {
    const user = userEvent.setup();
    const { onDone } = setup({
      setModuleLevel: { roleAssignment: null, previousRole: null, userErrors: [{ field: ['input', 'roleId'], code: 'SITE_REQUIRED', message: 'x' }] },
    });
    await user.selectOptions(screen.getByLabelText('Cambia livello su Clienti'), 'L1');
    await user.click(screen.getByRole('button', { name: 'Cambia livello' }));
    expect(screen.getByRole('alert').textContent).toBe('Errore: Questo ruolo si assegna solo su una sede operativa.');
    expect(screen.getByLabelText('Cambia livello su Clienti').getAttribute('aria-invalid')).toBe('true');
    expect(onDone).not.toHaveBeenCalled();
  });

  test('asks for a level before calling the API', async () => {
    const user = userEvent.setup();
    const { executeMutation } = setup({});
    await user.click(screen.getByRole('button', { name: 'Cambia livello' }));
    expect(screen.getByRole('alert').textContent).toBe('Errore: Scegli un livello.');
    expect(executeMutation).not.toHaveBeenCalled();
  });
});
