import { useEffect, useRef, type ReactNode } from 'react';

/** ID of every page's h1: the shell moves focus there after navigation. */
export const PAGE_HEADING_ID = 'page-heading';

/**
 * The path a navigation wants the heading of focused. The new page may not be
 * there yet (its code chunk or first data still loading, the old page still
 * shown meanwhile): a heading that mounts on that path takes the focus.
 */
let focusPendingFor: string | null = null;

/** Focuses the heading now, and the new page's heading when it mounts. */
export function focusPageHeading(pathname: string): void {
  focusPendingFor = pathname;
  document.getElementById(PAGE_HEADING_ID)?.focus();
}

export function PageHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusPendingFor === window.location.pathname) {
      focusPendingFor = null;
      ref.current?.focus();
    }
  }, []);
  return (
    <h1 id={PAGE_HEADING_ID} ref={ref} tabIndex={-1} data-testid="page-heading">
      {children}
    </h1>
  );
}
