import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { ViewerQuery } from '../features/viewer/operations';
import type { ViewerQuery as ViewerData } from '../gql/graphql';
import { I18nProvider } from '../i18n/I18nProvider';

export type Viewer = NonNullable<ViewerData['viewer']>;

interface ViewerState {
  viewer: Viewer | null;
  /** True until the first answer about the session (signed in or not) arrives. */
  loading: boolean;
  /** True while the session is being (re)checked and no signed-in viewer is known yet (e.g. right after signing in). */
  checking: boolean;
}

const ViewerContext = createContext<ViewerState>({ viewer: null, loading: false, checking: false });

/** The signed-in viewer, or null while unknown or anonymous. */
export function useViewer(): Viewer | null {
  return useContext(ViewerContext).viewer;
}

/** The viewer and whether the session is still being checked (then "not signed in" is not yet known). */
export function useViewerState(): ViewerState {
  return useContext(ViewerContext);
}

/**
 * Loads the viewer once and provides it, with the interface language set
 * from the viewer's preference (R4) when the API knows it. The shell renders
 * at once: a failed or slow viewer query only delays the preference.
 */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const [{ data, error, fetching }] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer ?? null;
  const loading = !data && !error && (fetching || data === undefined);
  return (
    <ViewerContext.Provider value={{ viewer, loading, checking: !viewer && (loading || fetching) }}>
      <I18nProvider preferred={viewer?.user.language}>{children}</I18nProvider>
    </ViewerContext.Provider>
  );
}
