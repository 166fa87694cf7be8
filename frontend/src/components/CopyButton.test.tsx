// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../i18n/I18nProvider';
import { CopyButton } from './CopyButton';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderButton() {
  render(
    <I18nProvider preferred="it">
      <CopyButton text="sat_secret" testId="copy" />
    </I18nProvider>,
  );
}

describe('CopyButton', () => {
  test('copies the text and says so in a status region', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    renderButton();
    await user.click(screen.getByRole('button', { name: 'Copia' }));
    expect(writeText).toHaveBeenCalledWith('sat_secret');
    expect(screen.getByRole('status').textContent).toBe('Copiato negli appunti.');
  });

  test('a refused clipboard asks to copy by hand', async () => {
    const user = userEvent.setup();
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    renderButton();
    await user.click(screen.getByRole('button', { name: 'Copia' }));
    expect(screen.getByRole('status').textContent).toContain('Copia non riuscita');
  });
});
