// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../i18n/I18nProvider';
import { ConfirmDialog } from './ConfirmDialog';

afterEach(cleanup);

function Harness({ onConfirm = () => {}, busy = false, error }: { onConfirm?: () => void; busy?: boolean; error?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <I18nProvider preferred="it">
      <button type="button" onClick={() => setOpen(true)}>
        Sospendi
      </button>
      <a href="#elsewhere">altrove</a>
      <ConfirmDialog
        open={open}
        title="Sospendi ruolo"
        confirmLabel="Sospendi"
        busy={busy}
        error={error}
        onConfirm={() => {
          onConfirm();
          setOpen(false);
        }}
        onClose={() => setOpen(false)}
      >
        <p>Vuoi sospendere il ruolo?</p>
      </ConfirmDialog>
    </I18nProvider>
  );
}

async function openDialog() {
  const user = userEvent.setup();
  render(<Harness />);
  const opener = screen.getByRole('button', { name: 'Sospendi' });
  await user.click(opener);
  return { user, opener, dialog: screen.getByRole('dialog') };
}

describe('ConfirmDialog', () => {
  test('OK: a labelled modal dialog, focus on Cancel, confirm closes it and returns focus', async () => {
    const onConfirm = vi.fn();
    const user = userEvent.setup();
    render(<Harness onConfirm={onConfirm} />);
    const opener = screen.getByRole('button', { name: 'Sospendi' });
    await user.click(opener);

    const dialog = screen.getByRole('dialog', { name: 'Sospendi ruolo' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog).toHaveProperty('textContent', expect.stringContaining('Vuoi sospendere il ruolo?'));
    expect(document.getElementById(dialog.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Vuoi sospendere il ruolo?',
    );
    expect(document.activeElement).toBe(screen.getByTestId('confirm-dialog-cancel'));

    await user.click(screen.getByTestId('confirm-dialog-confirm'));
    expect(onConfirm).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  test('Escape closes and returns focus to the opener', async () => {
    const { user, opener } = await openDialog();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  test('Cancel closes without confirming', async () => {
    const { user, opener } = await openDialog();
    await user.click(screen.getByRole('button', { name: 'Annulla' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  test('Tab and Shift+Tab stay inside the dialog', async () => {
    const { user } = await openDialog();
    const cancel = screen.getByTestId('confirm-dialog-cancel');
    const confirm = screen.getByTestId('confirm-dialog-confirm');
    expect(document.activeElement).toBe(cancel);
    await user.tab();
    expect(document.activeElement).toBe(confirm);
    await user.tab();
    expect(document.activeElement).toBe(cancel);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(confirm);
  });

  test('the rest of the page is inert while open, and back after', async () => {
    const { user } = await openDialog();
    const app = screen.getByRole('link', { name: 'altrove', hidden: true }).closest('body > div');
    expect(app?.hasAttribute('inert')).toBe(true);
    await user.keyboard('{Escape}');
    expect(app?.hasAttribute('inert')).toBe(false);
  });

  test('the backdrop closes it', async () => {
    const { user } = await openDialog();
    await user.click(screen.getByTestId('confirm-dialog-backdrop'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('busy: buttons disabled, progress announced, Escape ignored', async () => {
    const user = userEvent.setup();
    render(<Harness busy error="Non hai i permessi necessari." />);
    await user.click(screen.getByRole('button', { name: 'Sospendi' }));
    expect(screen.getByTestId('confirm-dialog-confirm')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-dialog-cancel')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-dialog-progress').textContent).toBe('Operazione in corso…');
    expect(screen.getByRole('alert').textContent).toBe('Non hai i permessi necessari.');
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});
