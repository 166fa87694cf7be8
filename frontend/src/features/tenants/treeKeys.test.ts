import { describe, expect, test } from 'vitest';
import { parentIndex, siblingIndices, treeKeyAction, type TreeItemState } from './treeKeys';

// Provincia (open) › Sede A (closed), Sede B (leaf); Holding (closed); Comune (leaf)
const items: TreeItemState[] = [
  { id: 'prov', level: 1, expanded: true, label: 'Provincia di Brescia' },
  { id: 'a', level: 2, expanded: false, label: 'Sede A' },
  { id: 'b', level: 2, expanded: undefined, label: 'Sede B' },
  { id: 'hold', level: 1, expanded: false, label: 'Holding' },
  { id: 'com', level: 1, expanded: undefined, label: 'Comune' },
];

describe('treeKeyAction', () => {
  test('OK: down and up move through the visible items', () => {
    expect(treeKeyAction(items, 0, 'ArrowDown')).toEqual({ type: 'focus', index: 1 });
    expect(treeKeyAction(items, 3, 'ArrowUp')).toEqual({ type: 'focus', index: 2 });
    expect(treeKeyAction(items, 4, 'ArrowDown')).toBeNull();
    expect(treeKeyAction(items, 0, 'ArrowUp')).toBeNull();
  });

  test('right opens a closed item, moves into an open one, does nothing on a leaf', () => {
    expect(treeKeyAction(items, 3, 'ArrowRight')).toEqual({ type: 'expand', index: 3 });
    expect(treeKeyAction(items, 0, 'ArrowRight')).toEqual({ type: 'focus', index: 1 });
    expect(treeKeyAction(items, 2, 'ArrowRight')).toBeNull();
  });

  test('an open item whose children are still loading stays put on right', () => {
    const loading: TreeItemState[] = [{ id: 'x', level: 1, expanded: true, label: 'X' }, { id: 'y', level: 1, expanded: undefined, label: 'Y' }];
    expect(treeKeyAction(loading, 0, 'ArrowRight')).toBeNull();
  });

  test('left closes an open item, else moves to the parent', () => {
    expect(treeKeyAction(items, 0, 'ArrowLeft')).toEqual({ type: 'collapse', index: 0 });
    expect(treeKeyAction(items, 2, 'ArrowLeft')).toEqual({ type: 'focus', index: 0 });
    expect(treeKeyAction(items, 4, 'ArrowLeft')).toBeNull();
  });

  test('Home, End, Enter', () => {
    expect(treeKeyAction(items, 2, 'Home')).toEqual({ type: 'focus', index: 0 });
    expect(treeKeyAction(items, 1, 'End')).toEqual({ type: 'focus', index: 4 });
    expect(treeKeyAction(items, 1, 'Enter')).toEqual({ type: 'activate', index: 1 });
  });

  test('* opens the closed siblings', () => {
    expect(treeKeyAction(items, 4, '*')).toEqual({ type: 'expandSiblings', indices: [3] });
    expect(treeKeyAction(items, 2, '*')).toEqual({ type: 'expandSiblings', indices: [1] });
  });

  test('typing a letter moves to the next item starting with it, wrapping', () => {
    expect(treeKeyAction(items, 0, 's')).toEqual({ type: 'focus', index: 1 });
    expect(treeKeyAction(items, 1, 'S')).toEqual({ type: 'focus', index: 2 });
    expect(treeKeyAction(items, 4, 'p')).toEqual({ type: 'focus', index: 0 });
    expect(treeKeyAction(items, 0, 'q')).toBeNull();
    expect(treeKeyAction(items, 0, ' ')).toBeNull();
    expect(treeKeyAction(items, 0, 'Tab')).toBeNull();
  });
});

describe('tree structure', () => {
  test('parentIndex and siblingIndices', () => {
    expect(parentIndex(items, 2)).toBe(0);
    expect(parentIndex(items, 3)).toBe(-1);
    expect(siblingIndices(items, 1)).toEqual([1, 2]);
    expect(siblingIndices(items, 0)).toEqual([0, 3, 4]);
  });
});
