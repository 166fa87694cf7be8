import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { ViewerQuery } from '../features/viewer/operations';
import type { ViewerQuery as ViewerData } from '../gql/graphql';
import { I18nProvider } from '../i18n/I18nProvider';

export type Viewer = NonNullable<ViewerData['viewer']>;

const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in viewer, or null while unknown or anonymous. */
export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}

/**
 * Loads the viewer once and provides it, with the interface language set
 * from the viewer's preference (R4) when the API knows it. The shell renders
 * at once: a failed or slow viewer query only delays the preference.
 */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const [{ data }] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer ?? null;
  return (
    <ViewerContext.Provider value={viewer}>
      <I18nProvider preferred={viewer?.user.language}>{children}</I18nProvider>
    </ViewerContext.Provider>
  );
}
