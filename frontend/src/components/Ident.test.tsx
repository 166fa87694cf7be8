// @vitest-environment jsdom
import { render } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { Ident } from './Ident';

describe('Ident', () => {
  test('may wrap only before "@" and after "."; the full text is the title', () => {
    const { container } = render(<Ident text="mario.rossi@comune.iseo.bs.it" />);
    const span = container.querySelector('.ident');
    expect(span?.getAttribute('title')).toBe('mario.rossi@comune.iseo.bs.it');
    expect(span?.textContent).toBe('mario.rossi@comune.iseo.bs.it');
    expect(span?.innerHTML).toBe('mario.<wbr>rossi<wbr>@comune.<wbr>iseo.<wbr>bs.<wbr>it');
  });
  test('a username without separators is one unbreakable part', () => {
    const { container } = render(<Ident text="operatore_uno-2" />);
    expect(container.querySelectorAll('wbr')).toHaveLength(0);
  });
});
