/**
 * Keyboard model of the tenants tree (WAI-ARIA APG tree view): computed over
 * the visible tree items in document order, so it is independent of how the
 * tree loads its children.
 */

export interface TreeItemState {
  id: string;
  /** 1 for the top level. */
  level: number;
  /** true or false when the item has children; undefined for a leaf. */
  expanded: boolean | undefined;
  /** Text for type-ahead. */
  label: string;
}

export type TreeAction =
  | { type: 'focus'; index: number }
  | { type: 'expand'; index: number }
  | { type: 'collapse'; index: number }
  | { type: 'activate'; index: number }
  | { type: 'expandSiblings'; indices: number[] };

/** Index of the parent of item `i` (the nearest previous item one level up), or -1. */
export function parentIndex(items: readonly TreeItemState[], i: number): number {
  const level = items[i]?.level ?? 1;
  for (let j = i - 1; j >= 0; j--) {
    if ((items[j]?.level ?? 0) < level) return j;
  }
  return -1;
}

/** Indices of the items at the same level under the same parent as item `i` (itself included). */
export function siblingIndices(items: readonly TreeItemState[], i: number): number[] {
  const parent = parentIndex(items, i);
  const level = items[i]?.level ?? 1;
  const out: number[] = [];
  for (let j = parent + 1; j < items.length; j++) {
    const l = items[j]?.level ?? 0;
    if (l < level) break;
    if (l === level) out.push(j);
  }
  return out;
}

/**
 * What a key press does on item `current`: Down/Up move to the next/previous
 * visible item, Right opens a closed item or moves into an open one, Left
 * closes an open item or moves to the parent, Home/End go to the first/last
 * item, Enter activates, `*` opens every sibling, a printable character
 * moves to the next item whose label starts with it. Null: not handled.
 */
export function treeKeyAction(items: readonly TreeItemState[], current: number, key: string): TreeAction | null {
  const item = items[current];
  if (!item) return null;
  const last = items.length - 1;
  switch (key) {
    case 'ArrowDown':
      return current < last ? { type: 'focus', index: current + 1 } : null;
    case 'ArrowUp':
      return current > 0 ? { type: 'focus', index: current - 1 } : null;
    case 'Home':
      return { type: 'focus', index: 0 };
    case 'End':
      return { type: 'focus', index: last };
    case 'ArrowRight':
      if (item.expanded === false) return { type: 'expand', index: current };
      if (item.expanded === true && (items[current + 1]?.level ?? 0) > item.level) {
        return { type: 'focus', index: current + 1 };
      }
      return null;
    case 'ArrowLeft': {
      if (item.expanded === true) return { type: 'collapse', index: current };
      const parent = parentIndex(items, current);
      return parent >= 0 ? { type: 'focus', index: parent } : null;
    }
    case 'Enter':
      return { type: 'activate', index: current };
    case '*': {
      const closed = siblingIndices(items, current).filter((j) => items[j]?.expanded === false);
      return closed.length > 0 ? { type: 'expandSiblings', indices: closed } : null;
    }
    default:
      if (key.length === 1 && key.trim() !== '') return typeAhead(items, current, key);
      return null;
  }
}

function typeAhead(items: readonly TreeItemState[], current: number, char: string): TreeAction | null {
  const c = char.toLocaleLowerCase();
  for (let step = 1; step <= items.length; step++) {
    const j = (current + step) % items.length;
    if (items[j]?.label.trim().toLocaleLowerCase().startsWith(c)) return { type: 'focus', index: j };
  }
  return null;
}
