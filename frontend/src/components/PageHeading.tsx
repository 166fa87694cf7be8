import type { ReactNode } from 'react';

/** ID of every page's h1: the shell moves focus there after navigation. */
export const PAGE_HEADING_ID = 'page-heading';

export function PageHeading({ children }: { children: ReactNode }) {
  return (
    <h1 id={PAGE_HEADING_ID} tabIndex={-1} data-testid="page-heading">
      {children}
    </h1>
  );
}
