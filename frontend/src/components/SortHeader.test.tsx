// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../i18n/I18nProvider';
import { SortHeader, type SortState } from './SortHeader';

afterEach(cleanup);

function renderHeader(sort: SortState<'A' | 'B'>, onSort = vi.fn(), disabledTitle?: string) {
  render(
    <I18nProvider preferred="en">
      <table>
        <thead>
          <tr>
            <SortHeader field="A" label="Name" sort={sort} onSort={onSort} testId="sort-A" disabledTitle={disabledTitle} />
          </tr>
        </thead>
      </table>
    </I18nProvider>,
  );
  return onSort;
}

describe('SortHeader', () => {
  test('the sorted column says its direction to assistive technology and asks for its field on click', async () => {
    const onSort = renderHeader({ field: 'A', desc: true });
    expect(screen.getByRole('columnheader').getAttribute('aria-sort')).toBe('descending');
    const button = screen.getByTestId('sort-A');
    expect(button.getAttribute('data-active')).toBe('desc');
    expect(button.textContent).toContain('sorted descending');
    await userEvent.setup().click(button);
    expect(onSort).toHaveBeenCalledWith('A');
  });

  test('another column sorted: no aria-sort, no mark', () => {
    renderHeader({ field: 'B', desc: false });
    expect(screen.getByRole('columnheader').hasAttribute('aria-sort')).toBe(false);
    expect(screen.getByTestId('sort-A').hasAttribute('data-active')).toBe(false);
  });

  test('a disabled column says why and cannot be clicked', async () => {
    const onSort = renderHeader({ field: 'B', desc: false }, vi.fn(), 'restricted');
    const button = screen.getByTestId('sort-A');
    expect(button.getAttribute('title')).toBe('restricted');
    await userEvent.setup().click(button);
    expect(onSort).not.toHaveBeenCalled();
  });
});
